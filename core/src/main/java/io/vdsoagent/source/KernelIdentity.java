package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.util.Objects;

/**
 * Which kernel this JVM runs on: boot id, release, architecture and runtime. Same boot id, same running
 * kernel: every container of a node shares it, a VM-isolated pod has its own. The fleet's join key
 * ({@code vdso_kernel_info}); each part is probed on its own and an unknown part keeps its reason.
 */
public final class KernelIdentity {
    /** The label value of an unknown part; its reason is in {@code /report}. */
    public static final String UNKNOWN = "unknown";

    private final Probed<String> bootId;
    private final Probed<String> release;
    private final Probed<String> arch;
    private final Probed<KernelRuntime> runtime;

    public KernelIdentity(Probed<String> bootId, Probed<String> release, Probed<String> arch,
                          Probed<KernelRuntime> runtime) {
        this.bootId = Objects.requireNonNull(bootId);
        this.release = Objects.requireNonNull(release);
        this.arch = Objects.requireNonNull(arch);
        this.runtime = Objects.requireNonNull(runtime);
    }

    /** {@code /proc/sys/kernel/random/boot_id}, a UUID fixed for one kernel's life. */
    public Probed<String> bootId() {
        return bootId;
    }

    /** uname -r: procfs, else uname(2). */
    public Probed<String> release() {
        return release;
    }

    /** uname -m. */
    public Probed<String> arch() {
        return arch;
    }

    public Probed<KernelRuntime> runtime() {
        return runtime;
    }

    /** The {@code boot_id} label: the id, or {@value #UNKNOWN}. */
    public String bootIdLabel() {
        return bootId.orElse(UNKNOWN);
    }

    /** The {@code kernel_release} label: the release, or {@value #UNKNOWN}. */
    public String releaseLabel() {
        return release.orElse(UNKNOWN);
    }

    /** The {@code arch} label: the architecture, or {@value #UNKNOWN}. */
    public String archLabel() {
        return arch.orElse(UNKNOWN);
    }

    /** The {@code runtime} label: {@link KernelRuntime#label()}, or {@value #UNKNOWN}. */
    public String runtimeLabel() {
        return runtime.known() ? runtime.get().label() : UNKNOWN;
    }

    /** True only when a fact showed a sandbox's kernel (the start-up line names it then). */
    public boolean sandboxed() {
        return runtime.known() && runtime.get() != KernelRuntime.LINUX;
    }

    @Override
    public String toString() {
        return "boot id " + bootId + ", release " + release + ", arch " + arch + ", runtime " + runtimeLabel();
    }
}
