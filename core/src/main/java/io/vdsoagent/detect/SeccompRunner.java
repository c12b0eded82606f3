package io.vdsoagent.detect;

/**
 * Where the seccomp proof's filtered {@code clock_gettime} calls run. {@link ThreadSeccompRunner} runs
 * them on a fresh thread of this process; {@link ProcessSeccompRunner} in a short-lived process of its
 * own, so the filter never shares a thread group with an application that installs its own filters
 * with {@code SECCOMP_FILTER_FLAG_TSYNC} (a filtered thread of ours would make that call fail).
 */
public interface SeccompRunner {
    /** Raw results for these Linux clock ids; never null, never throws but for interruption. */
    SeccompResult run(int[] clockIds) throws InterruptedException;
}
