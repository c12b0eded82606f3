package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The kernel-provided mappings of {@code /proc/self/maps} that matter here: vdso, vvar*, vsyscall. */
public final class SpecialMappings {
    private final Mapping vdso;
    private final List<Mapping> vvar;
    private final Mapping vsyscall;
    private final Mapping atAddress;

    public SpecialMappings(Mapping vdso, List<Mapping> vvar, Mapping vsyscall) {
        this(vdso, vvar, vsyscall, null);
    }

    public SpecialMappings(Mapping vdso, List<Mapping> vvar, Mapping vsyscall, Mapping atAddress) {
        this.vdso = vdso;
        this.vvar = Collections.unmodifiableList(new ArrayList<>(vvar));
        this.vsyscall = vsyscall;
        this.atAddress = atAddress;
    }

    /** The {@code [vdso]} mapping: the only range the image reader may copy. */
    public Probed<Mapping> vdso() {
        return vdso != null ? Probed.of(vdso) : Probed.unknown("/proc/self/maps has no [vdso] line");
    }

    /** The {@code [vdso]} line, or null. */
    public Mapping vdsoOrNull() {
        return vdso;
    }

    /** The mapping starting at the address {@link MapsReader#read(long)} was asked about, named or not; or null. */
    public Mapping atAddressOrNull() {
        return atAddress;
    }

    /**
     * {@code [vvar]} and, on 6.13+ kernels, {@code [vvar_vclock]}: kernel data pages that SIGBUS on a
     * raw read. Listed so callers can keep away from them, never to be read.
     */
    public List<Mapping> vvar() {
        return vvar;
    }

    /** The legacy {@code [vsyscall]} page, or null when absent (vsyscall=none). */
    public Mapping vsyscallOrNull() {
        return vsyscall;
    }

    @Override
    public String toString() {
        return "vdso=" + vdso + ", vvar=" + vvar + ", vsyscall=" + vsyscall;
    }
}
