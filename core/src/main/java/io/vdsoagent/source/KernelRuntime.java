package io.vdsoagent.source;

/**
 * The kernel this JVM's system calls reach: the host's Linux, or a sandbox's own kernel. Named only from a
 * fact the runtime itself exposes ({@link KernelRuntimeReader}), never guessed from host or image names.
 * A VM-isolated pod (Kata, Firecracker) runs a real Linux of its own: it is {@link #LINUX} with a boot id of
 * its own.
 */
public enum KernelRuntime {
    /** A Linux kernel (the host's, or a VM's own). */
    LINUX("linux"),
    /** gVisor's user-space kernel (runsc; GKE Sandbox): its own vDSO, its own clock calibration. */
    GVISOR("gvisor");

    private final String label;

    KernelRuntime(String label) {
        this.label = label;
    }

    /** The value of the {@code runtime} label and of {@code /report}'s {@code kernel.runtime}. */
    public String label() {
        return label;
    }
}
