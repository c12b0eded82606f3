package io.vdsoagent.detect;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU time spent on the detectors' own short-lived threads and proof processes, so a probe run's CPU
 * figure includes them and not only the caller's thread.
 */
public final class ProbeThreads {
    private static final AtomicLong CPU_NANOS = new AtomicLong();

    private ProbeThreads() {
    }

    /** Total CPU ns recorded by probe threads so far; callers take differences. */
    public static long cpuNanos() {
        return CPU_NANOS.get();
    }

    /** Adds CPU spent outside this process for a probe (the proof process, reaped). */
    static void recordChildren(long nanos) {
        if (nanos > 0) {
            CPU_NANOS.addAndGet(nanos);
        }
    }

    /** Adds the calling (fresh) thread's whole CPU time so far. */
    static void recordCurrentThread() {
        try {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long t = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
            if (t > 0) {
                CPU_NANOS.addAndGet(t);
            }
        } catch (Throwable ignored) {
            // Only a figure for reports; never let it break a probe.
        }
    }
}
