package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.util.Objects;

/**
 * Everything the pure sources (auxv, maps, the vDSO image, sysfs, procfs) tell about this host.
 * Each field is probed independently: one failure leaves the others intact.
 */
public final class HostFacts {
    private final Probed<String> kernelRelease;
    private final Probed<String> arch;
    private final Probed<VdsoFacts> vdso;
    private final Probed<ClocksourceFacts> clocksource;
    private final Probed<VsyscallMode> vsyscall;
    private final Probed<Integer> aslr;
    private final Probed<String> bootId;
    private final Probed<KernelRuntime> runtime;
    private final Probed<String> kernelVersion;

    /** Without the kernel's boot id and runtime (facts supplied by a caller that does not read them). */
    public HostFacts(Probed<String> kernelRelease, Probed<String> arch, Probed<VdsoFacts> vdso,
                     Probed<ClocksourceFacts> clocksource, Probed<VsyscallMode> vsyscall, Probed<Integer> aslr) {
        this(kernelRelease, arch, vdso, clocksource, vsyscall, aslr,
                Probed.<String>unknown("not probed"), Probed.<KernelRuntime>unknown("not probed"));
    }

    public HostFacts(Probed<String> kernelRelease, Probed<String> arch, Probed<VdsoFacts> vdso,
                     Probed<ClocksourceFacts> clocksource, Probed<VsyscallMode> vsyscall, Probed<Integer> aslr,
                     Probed<String> bootId, Probed<KernelRuntime> runtime) {
        this(kernelRelease, arch, vdso, clocksource, vsyscall, aslr, bootId, runtime,
                Probed.<String>unknown("not probed"));
    }

    public HostFacts(Probed<String> kernelRelease, Probed<String> arch, Probed<VdsoFacts> vdso,
                     Probed<ClocksourceFacts> clocksource, Probed<VsyscallMode> vsyscall, Probed<Integer> aslr,
                     Probed<String> bootId, Probed<KernelRuntime> runtime, Probed<String> kernelVersion) {
        this.kernelRelease = Objects.requireNonNull(kernelRelease);
        this.arch = Objects.requireNonNull(arch);
        this.vdso = Objects.requireNonNull(vdso);
        this.clocksource = Objects.requireNonNull(clocksource);
        this.vsyscall = Objects.requireNonNull(vsyscall);
        this.aslr = Objects.requireNonNull(aslr);
        this.bootId = Objects.requireNonNull(bootId);
        this.runtime = Objects.requireNonNull(runtime);
        this.kernelVersion = Objects.requireNonNull(kernelVersion);
    }

    /** uname -v ({@code /proc/sys/kernel/version}, else uname(2)): the build, e.g. "#1 SMP ... Debian 6.18.44-1". */
    public Probed<String> kernelVersion() {
        return kernelVersion;
    }

    /** Which kernel this is: boot id, release, arch, runtime (the fleet's join key). */
    public KernelIdentity kernel() {
        return new KernelIdentity(bootId, kernelRelease, arch, runtime);
    }

    /** uname -r ({@code /proc/sys/kernel/osrelease}, else uname(2)), e.g. 6.18.44. */
    public Probed<String> kernelRelease() {
        return kernelRelease;
    }

    /** The machine architecture, e.g. x86_64, aarch64. */
    public Probed<String> arch() {
        return arch;
    }

    public Probed<VdsoFacts> vdso() {
        return vdso;
    }

    public Probed<ClocksourceFacts> clocksource() {
        return clocksource;
    }

    public Probed<VsyscallMode> vsyscall() {
        return vsyscall;
    }

    /** {@code /proc/sys/kernel/randomize_va_space}: 0 off, 1 partial, 2 full. */
    public Probed<Integer> aslr() {
        return aslr;
    }
}
