package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

/**
 * The host facts one running kernel fixes at boot for this process: release, arch and version (uname),
 * runtime (linux or gvisor), and the vsyscall mode ({@code vsyscall=} is a boot parameter, read-only
 * once the kernel runs). Read under a boot id, they hold for as long as {@code /proc/sys/kernel/random/boot_id}
 * reads the same: a re-probe reads that one small file instead of five files and the whole of
 * {@code /proc/self/maps}. Only a set read completely (every fact and the boot id known) is reused, so a
 * failure is tried again at the next read.
 */
final class KernelBootFacts {
    private final Probed<String> bootId;
    final Probed<String> release;
    final Probed<String> arch;
    final Probed<String> version;
    final Probed<KernelRuntime> runtime;
    final Probed<VsyscallMode> vsyscall;

    KernelBootFacts(Probed<String> bootId, Probed<String> release, Probed<String> arch, Probed<String> version,
                    Probed<KernelRuntime> runtime, Probed<VsyscallMode> vsyscall) {
        this.bootId = bootId;
        this.release = release;
        this.arch = arch;
        this.version = version;
        this.runtime = runtime;
        this.vsyscall = vsyscall;
    }

    /** Whether these facts may stand for a later read: all known, and a boot id to check them against. */
    boolean reusable() {
        return bootId.known() && release.known() && arch.known() && version.known() && runtime.known()
                && vsyscall.known();
    }

    /** Whether {@code now} is the boot these facts were read under (an unknown boot id never is). */
    boolean sameBoot(Probed<String> now) {
        return now.known() && bootId.known() && bootId.get().equals(now.get());
    }
}
