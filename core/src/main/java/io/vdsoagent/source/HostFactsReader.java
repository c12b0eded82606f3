package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.Utsname;

import io.vdsoagent.source.elf.ElfImage;
import io.vdsoagent.source.elf.ElfParseException;
import io.vdsoagent.source.elf.ElfParser;
import io.vdsoagent.source.elf.ElfSymbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Assembles {@link HostFacts} from the pure sources: auxv, maps, the vDSO image, sysfs, procfs.
 * Each field is probed on its own and any failure, even an unexpected exception, becomes that
 * field's "unknown, because ..."; {@link #read()} never throws.
 */
public final class HostFactsReader {
    private final SystemRoot root;
    /** Only asked when procfs fails on the live root (uname, getauxval). */
    private final Supplier<Probed<NativeAccess>> nativeAccess;
    /**
     * The vDSO as found on the live root, once known: the kernel maps it once per process and never
     * moves, rewrites or unmaps it, so later reads skip auxv, the image copy and the ELF parse. It belongs
     * to the kernel it was read under ({@link #vdsoBoot}): another boot id drops it.
     */
    private volatile Probed<VdsoFacts> liveVdso;
    private volatile Probed<String> vdsoBoot;
    /** What the running kernel fixed at boot, reused while its boot id reads the same (live root). */
    private volatile KernelBootFacts liveBoot;
    /** Whether facts may be reused across reads: on the live root, or a fixture in tests. */
    private final boolean reuse;
    private volatile int vdsoReads;
    private volatile int bootReads;
    private final KernelSysctls sysctls;
    private final ClocksourceReader clocksource;

    /** With the library's shared native binding. */
    public HostFactsReader(SystemRoot root) {
        this(root, NativeAccessLoader::shared);
    }

    public HostFactsReader(SystemRoot root, Supplier<Probed<NativeAccess>> nativeAccess) {
        this(root, nativeAccess, root.isLive());
    }

    /** {@code reuse}: whether a fixture root keeps facts across reads as the live root does (tests). */
    HostFactsReader(SystemRoot root, Supplier<Probed<NativeAccess>> nativeAccess, boolean reuse) {
        this.root = root;
        this.nativeAccess = nativeAccess;
        this.reuse = reuse;
        this.sysctls = new KernelSysctls(root);
        this.clocksource = new ClocksourceReader(root);
    }

    /**
     * Reads every fact. On the live root what cannot change while the kernel runs is read once and then
     * reused: the vDSO (image, symbols, maps cross-check) and the {@link KernelBootFacts} (release, arch,
     * version, runtime, vsyscall mode), for as long as the boot id reads the same; a re-read is then the
     * boot id, ASLR and the clocksource pair (four small files, kept open: {@link KeptFile}). A fixture root
     * is read in full every time.
     */
    public HostFacts read() {
        Probed<String> bootId = guard("boot id", sysctls::bootId);
        Probed<ClocksourceFacts> clocksource = guard(HostFact.CLOCKSOURCE, this.clocksource::read);
        Probed<Integer> aslr = guard(HostFact.ASLR, sysctls::randomizeVaSpace);
        Probed<String> seenBoot = vdsoBoot;
        if (seenBoot != null && seenBoot.known() && bootId.known() && !seenBoot.get().equals(bootId.get())) {
            liveVdso = null; // another kernel (a process restored elsewhere): its vDSO is another image
        }
        KernelBootFacts boot = liveBoot;
        Probed<VdsoFacts> cached = liveVdso;
        if (boot != null && boot.sameBoot(bootId) && cached != null) {
            return new HostFacts(boot.release, boot.arch, cached, clocksource, boot.vsyscall, aslr, bootId,
                    boot.runtime, boot.version);
        }
        Probed<Auxv> auxv = cached != null ? null : new AuxvReader(root).read();
        long base = auxv != null ? baseOrZero(auxv) : 0;
        // The maps scan also keeps the line at AT_SYSINFO_EHDR, for the vDSO's cross-check.
        Probed<SpecialMappings> maps = guard("maps", () -> base != 0 ? new MapsReader(root).read(base)
                : new MapsReader(root).read());
        Probed<VdsoFacts> vdso = cached != null ? cached : guard(HostFact.VDSO, () -> readVdso(auxv, maps));
        if (cached == null && vdso.known() && reuse) {
            vdsoBoot = bootId;
            liveVdso = vdso;
        }
        Probed<VsyscallMode> vsyscall = guard(HostFact.VSYSCALL, () -> maps.known()
                ? VsyscallMode.fromMapping(maps.get().vsyscallOrNull())
                : Probed.<VsyscallMode>unknown(maps.reason()));
        Uname uname = new Uname(nativeAccess);
        bootReads++;
        boot = new KernelBootFacts(bootId,
                guard(HostFact.KERNEL_RELEASE, () -> release(sysctls, uname)),
                guard(HostFact.ARCH, () -> arch(sysctls, uname, vdso)),
                guard("kernel version", () -> version(sysctls, uname)),
                guard("runtime", () -> new KernelRuntimeReader(root).read()),
                vsyscall);
        liveBoot = reuse && boot.reusable() ? boot : null;
        return new HostFacts(boot.release, boot.arch, vdso, clocksource, boot.vsyscall, aslr, bootId, boot.runtime,
                boot.version);
    }

    /**
     * The vDSO image itself, read afresh (AT_SYSINFO_EHDR, then the ELF's own extent); for
     * {@code report --dump-vdso}. Never throws.
     */
    public Probed<VdsoImage> vdsoImage() {
        try {
            Probed<Auxv> auxv = new AuxvReader(root).read();
            Probed<Long> base = vdsoBase(auxv);
            return base.known() ? new VdsoImageReader(root).read(base.get(), pageSize(auxv))
                    : Probed.<VdsoImage>unknown(base.reason());
        } catch (Throwable t) {
            return Probed.unknown("vdso image read failed unexpectedly: " + Failures.describe(t));
        }
    }

    /** procfs first; uname(2) where /proc/sys is missing (gVisor, hardened containers), live root only. */
    private Probed<String> release(KernelSysctls sysctls, Uname uname) {
        Probed<String> proc = sysctls.osRelease();
        if (proc.known() || !root.isLive()) {
            return proc;
        }
        Probed<Utsname> u = uname.get();
        return u.known() ? Probed.of(u.get().release()) : Probed.<String>unknown(proc.reason() + "; " + u.reason());
    }

    /** procfs first; uname(2) where /proc/sys is missing, live root only. */
    private Probed<String> version(KernelSysctls sysctls, Uname uname) {
        Probed<String> proc = sysctls.version();
        if (proc.known() || !root.isLive()) {
            return proc;
        }
        Probed<Utsname> u = uname.get();
        return u.known() ? Probed.of(u.get().version()) : Probed.<String>unknown(proc.reason() + "; " + u.reason());
    }

    /** One uname(2) call per read, made only if procfs failed; a failure is a reason, never an exception. */
    private static final class Uname {
        private final Supplier<Probed<NativeAccess>> nativeAccess;
        private Probed<Utsname> value;

        Uname(Supplier<Probed<NativeAccess>> nativeAccess) {
            this.nativeAccess = nativeAccess;
        }

        Probed<Utsname> get() {
            if (value == null) {
                Probed<NativeAccess> na = nativeAccess.get();
                value = na.known() ? Utsname.read(na.get())
                        : Probed.<Utsname>unknown("uname(2): " + NativeAccessLoader.unavailable(na.reason()));
            }
            return value;
        }
    }

    /** How many times the vDSO image was actually read and parsed (tests). */
    int vdsoReads() {
        return vdsoReads;
    }

    /** How many times the boot-fixed facts (maps, release, arch, version, runtime) were read (tests). */
    int bootReads() {
        return bootReads;
    }

    /**
     * AT_SYSINFO_EHDR, then the image over the extent its ELF headers give; maps only cross-checks
     * ({@link VdsoMapsCheck}), so a runtime that maps its vDSO unnamed (gVisor) still has one.
     */
    private Probed<VdsoFacts> readVdso(Probed<Auxv> auxv, Probed<SpecialMappings> maps) {
        vdsoReads++;
        Probed<Long> base = vdsoBase(auxv);
        if (!base.known()) {
            return Probed.unknown(base.reason());
        }
        Probed<VdsoImage> image = new VdsoImageReader(root).read(base.get(), pageSize(auxv));
        if (!image.known()) {
            return Probed.unknown(image.reason());
        }
        VdsoImage img = image.get();
        try {
            ElfImage elf = ElfParser.parse(img.bytesUnsafe());
            return Probed.of(new VdsoFacts(base.get(), img.mappedBytes(), elf.soname(), elf.buildId(),
                    elf.machineName(), sortedSymbols(elf), Probed.of(VdsoMapsCheck.of(base.get(), img.mappedBytes(), maps))));
        } catch (ElfParseException e) {
            return Probed.unknown("vDSO image is not a valid ELF: " + e.getMessage());
        }
    }

    private static long baseOrZero(Probed<Auxv> auxv) {
        if (!auxv.known()) {
            return 0;
        }
        Probed<Long> base = auxv.get().sysinfoEhdr();
        return base.known() ? base.get() : 0;
    }

    /**
     * AT_SYSINFO_EHDR from /proc/self/auxv (pure Java). Only if that fails on the live root do we
     * ask libc's getauxval, so a healthy host never loads native code just for this.
     */
    private Probed<Long> vdsoBase(Probed<Auxv> auxv) {
        Probed<Long> base = auxv.known() ? auxv.get().sysinfoEhdr() : Probed.<Long>unknown(auxv.reason());
        if (base.known() || !root.isLive()) {
            return base;
        }
        Probed<Long> fromLibc = NativeAuxv.getauxval(nativeAccess.get(), Auxv.AT_SYSINFO_EHDR);
        return fromLibc.known() ? fromLibc : Probed.<Long>unknown(base.reason() + "; " + fromLibc.reason());
    }

    /** AT_PAGESZ (auxv, else getauxval on the live root); 0 when unknown: the image is then the ELF's exact extent. */
    private long pageSize(Probed<Auxv> auxv) {
        if (auxv.known() && auxv.get().get(Auxv.AT_PAGESZ).known()) {
            return auxv.get().get(Auxv.AT_PAGESZ).get();
        }
        return root.isLive() ? NativeAuxv.getauxval(nativeAccess.get(), Auxv.AT_PAGESZ).orElse(0L) : 0;
    }

    private static List<VdsoSymbol> sortedSymbols(ElfImage elf) {
        List<VdsoSymbol> symbols = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            symbols.add(new VdsoSymbol(s.name(), s.version()));
        }
        Collections.sort(symbols);
        return symbols;
    }

    /**
     * uname -m from procfs; else what the vDSO was built for; else (live only) uname(2), then the JVM's
     * os.arch.
     */
    private Probed<String> arch(KernelSysctls sysctls, Uname uname, Probed<VdsoFacts> vdso) {
        Probed<String> kernel = sysctls.arch();
        if (kernel.known()) {
            return kernel;
        }
        if (vdso.known()) {
            return Probed.of(vdso.get().elfMachine());
        }
        if (root.isLive()) {
            Probed<Utsname> u = uname.get();
            return Probed.of(u.known() ? u.get().machine() : ArchNames.fromOsArch(System.getProperty("os.arch", "unknown")));
        }
        return Probed.unknown(kernel.reason() + "; no vDSO image either");
    }

    /** One source's work; a functional interface so Java 8 lambdas fit. */
    private interface Probe<T> {
        Probed<T> run();
    }

    private static <T> Probed<T> guard(HostFact fact, Probe<T> probe) {
        return guard(fact.title(), probe);
    }

    /** For what HostFacts holds beside the {@link HostFact}s (maps, boot id, runtime, kernel version). */
    private static <T> Probed<T> guard(String what, Probe<T> probe) {
        try {
            return probe.run();
        } catch (Throwable t) { // a probe must never take the snapshot (or the host JVM) down with it
            return Probed.unknown(what + " probe failed unexpectedly: " + Failures.describe(t));
        }
    }
}
