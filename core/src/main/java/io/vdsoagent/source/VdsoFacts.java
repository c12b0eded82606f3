package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** What the vDSO image itself says: where it is mapped and what its ELF exports. */
public final class VdsoFacts {
    private final long baseAddress;
    private final long imageBytes;
    private final String soname;
    private final String buildId;
    private final String elfMachine;
    private final List<VdsoSymbol> symbols;
    private final Probed<VdsoMapsCheck> mapsCheck;

    public VdsoFacts(long baseAddress, long imageBytes, String soname, String buildId, String elfMachine,
                     List<VdsoSymbol> symbols) {
        this(baseAddress, imageBytes, soname, buildId, elfMachine, symbols,
                Probed.<VdsoMapsCheck>unknown("not cross-checked"));
    }

    public VdsoFacts(long baseAddress, long imageBytes, String soname, String buildId, String elfMachine,
                     List<VdsoSymbol> symbols, Probed<VdsoMapsCheck> mapsCheck) {
        this.baseAddress = baseAddress;
        this.imageBytes = imageBytes;
        this.soname = Objects.requireNonNull(soname, "soname");
        this.buildId = Objects.requireNonNull(buildId, "buildId");
        this.elfMachine = Objects.requireNonNull(elfMachine, "elfMachine");
        this.symbols = Collections.unmodifiableList(new java.util.ArrayList<>(symbols));
        this.mapsCheck = Objects.requireNonNull(mapsCheck, "mapsCheck");
    }

    /** {@code /proc/self/maps} against auxv and the ELF (taken when the image was read). */
    public Probed<VdsoMapsCheck> mapsCheck() {
        return mapsCheck;
    }

    /** AT_SYSINFO_EHDR: an ASLR secret for whoever reads it (see the expose-address setting). */
    public long baseAddress() {
        return baseAddress;
    }

    /** The mapped image: the ELF's own extent rounded up to the page size. */
    public long imageBytes() {
        return imageBytes;
    }

    /** DT_SONAME, e.g. linux-vdso.so.1; read from the image, never assumed. */
    public String soname() {
        return soname;
    }

    /** The GNU build-id note as lower-case hex; empty when the image has none. */
    public String buildId() {
        return buildId;
    }

    /** e_machine as a name, e.g. x86_64, aarch64. */
    public String elfMachine() {
        return elfMachine;
    }

    /** Exported dynamic symbols, sorted. */
    public List<VdsoSymbol> symbols() {
        return symbols;
    }
}
