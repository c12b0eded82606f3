package io.vdsoagent.detect;

/** Where one clock's {@code clock_gettime} is served. */
public enum Verdict {
    /** Answered in user space by the vDSO. */
    VDSO,
    /** Fell back to a real system call. */
    SYSCALL,
    /**
     * The kernel refuses the clock id (EINVAL; gVisor has no CLOCK_TAI): nothing is served and nothing
     * falls back, so it is never a fallback, an alert or a remediation.
     */
    UNSUPPORTED,
    /** Not decided; the finding's detail says why. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
