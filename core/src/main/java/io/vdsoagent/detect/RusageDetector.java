package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.LibC;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis {@code --check-system} / ddprof method: busy-loop {@code clock_gettime} and look at
 * the system share of the CPU time the loop consumed; more than 10 % means the calls enter the
 * kernel. Each clock loops on its own fresh thread so the kernel's tick-sampled user/system split
 * (scaled over the thread's whole life) is not skewed by earlier work on the caller's thread.
 * Under tick-based accounting the split needs several ticks: too little CPU gives unknown.
 */
public final class RusageDetector implements Detector {
    /**
     * Not Redis's 10 %: with tick-sampled accounting (CONFIG_TICK_CPU_ACCOUNTING, HZ=250) a 25 ms loop
     * spans ~6 ticks and one stray system tick (the thread's own start-up, scaled over its life by
     * cputime_adjust) reads as ~15 %; measured here on vDSO clocks. A real fallback spends most of
     * each call in the kernel (48-100 % measured for the CPU-time clocks: ~6 ticks quantise the
     * split, so 48 % was seen in CI on Temurin 25), so decide only outside that noise and leave the
     * band between unknown.
     */
    static final double SYSCALL_SHARE = 0.40;
    static final double VDSO_SHARE = 0.25;
    private static final int RUSAGE_THREAD = 1;
    private static final long CHECK_EVERY_NANOS = 1_000_000;
    private static final int RUSAGE_BYTES = 256; // struct rusage is 144 bytes on LP64

    private final long loopNanos;
    private final long minCpuNanos;
    private final long wallCapNanos;
    private final long timeoutMillis;

    /**
     * @param loopMillis CPU time each clock is looped (5 ticks at HZ=250 = 20 ms)
     * @param minCpuMillis below this much CPU in a loop the split is too coarse to judge
     * @param wallCapMillis a loop stops after this much wall time even short of its CPU budget
     *                      (a loaded machine gives it only part of a core)
     */
    public RusageDetector(long loopMillis, long minCpuMillis, long wallCapMillis, long timeoutMillis) {
        this.loopNanos = loopMillis * 1_000_000L;
        this.minCpuNanos = minCpuMillis * 1_000_000L;
        this.wallCapNanos = wallCapMillis * 1_000_000L;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public String name() {
        return DetectorId.RUSAGE.label();
    }

    @Override
    public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        List<Finding> out = new ArrayList<>(clocks.size());
        Probed<NativeAccess> na = NativeAccess.get();
        boolean timedOut = false;
        for (ClockId c : clocks) {
            if (timedOut) {
                // A loop still running would share the buffers: measure nothing more this run.
                out.add(Finding.failed(name(), c, "skipped: an earlier loop thread timed out"));
                continue;
            }
            if (!na.known()) {
                out.add(Finding.of(name(), c, Verdict.UNKNOWN, NativeAccess.unavailableReason()));
                continue;
            }
            try {
                Finding f = probe(na.get(), c);
                timedOut = f.error() && f.detail().startsWith("loop thread did not finish");
                out.add(f);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller asked to stop: keep its flag
                out.add(Finding.failed(name(), c, "interrupted while waiting for the loop thread"));
                timedOut = true;
            } catch (Throwable t) {
                out.add(Finding.failed(name(), c, "probe failed: " + t));
            }
        }
        return out;
    }

    private Finding probe(NativeAccess na, ClockId clock) throws InterruptedException {
        Loop loop = new Loop(na, clock.linuxId(), loopNanos, wallCapNanos);
        Thread t = new Thread(loop, "vdso-agent-rusage-probe");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
        t.join(timeoutMillis);
        if (t.isAlive() || !loop.finished) {
            return Finding.failed(name(), clock, "loop thread did not finish within " + timeoutMillis + " ms");
        }
        if (loop.failed) {
            return Finding.failed(name(), clock, "getrusage(RUSAGE_THREAD) failed: errno " + loop.errno);
        }
        return judge(clock, loop.userNanos, loop.systemNanos, loop.calls, minCpuNanos);
    }

    static Finding judge(ClockId clock, long userNanos, long systemNanos, long calls, long minCpuNanos) {
        long total = userNanos + systemNanos;
        String nums = String.format(Locale.ROOT, "%d calls, %.1f ms user, %.1f ms system",
                calls, userNanos / 1e6, systemNanos / 1e6);
        if (total < minCpuNanos) {
            return Finding.of(DetectorId.RUSAGE.label(), clock, Verdict.UNKNOWN,
                    "too few ticks: " + nums + " (needs " + minCpuNanos / 1_000_000 + " ms CPU)");
        }
        double share = systemNanos / (double) total;
        String detail = String.format(Locale.ROOT, "system share %.0f %%: %s", share * 100, nums);
        if (share >= SYSCALL_SHARE) {
            return Finding.of(DetectorId.RUSAGE.label(), clock, Verdict.SYSCALL, detail);
        }
        if (share <= VDSO_SHARE) {
            return Finding.of(DetectorId.RUSAGE.label(), clock, Verdict.VDSO, detail);
        }
        return Finding.of(DetectorId.RUSAGE.label(), clock, Verdict.UNKNOWN,
                detail + "; between " + (int) (VDSO_SHARE * 100) + " and " + (int) (SYSCALL_SHARE * 100) + " % is not conclusive");
    }

    private static final class Loop implements Runnable {
        private final NativeAccess na;
        private final LibC libc;
        private final int clockId;
        private final long loopNanos;
        private final long wallCapNanos;
        private final long usage;
        private final long timespec;
        private final java.lang.management.ThreadMXBean threadCpu = java.lang.management.ManagementFactory.getThreadMXBean();
        volatile long userNanos;
        volatile long systemNanos;
        volatile long calls;
        volatile boolean failed;
        volatile int errno;
        volatile boolean finished;

        Loop(NativeAccess na, int clockId, long loopNanos, long wallCapNanos) {
            this.na = na;
            this.libc = na.libc();
            this.clockId = clockId;
            this.loopNanos = loopNanos;
            this.wallCapNanos = wallCapNanos;
            this.usage = buffers(na)[0];
            this.timespec = buffers(na)[1];
        }

        @Override
        public void run() {
            try {
                // A short unmeasured run first: dilutes the thread's start-up (kernel) time, which
                // the kernel's scaling would otherwise smear over the measured loop.
                loop(loopNanos / 5, wallCapNanos / 5);
                if (libc.getrusage(RUSAGE_THREAD, usage) != 0) {
                    errno = na.lastError();
                    failed = true;
                    return;
                }
                long u0 = micros(0);
                long s0 = micros(16);
                long n = loop(loopNanos, wallCapNanos);
                if (libc.getrusage(RUSAGE_THREAD, usage) != 0) {
                    errno = na.lastError();
                    failed = true;
                    return;
                }
                userNanos = (micros(0) - u0) * 1000;
                systemNanos = (micros(16) - s0) * 1000;
                calls = n;
            } finally {
                ProbeThreads.recordCurrentThread();
                finished = true;
            }
        }

        /** Calls the clock until this thread used {@code cpuNanos} of CPU or {@code wallNanos} passed. */
        private long loop(long cpuNanos, long wallNanos) {
            long n = 0;
            long batch = 256;
            long cpuStart = threadCpu.getCurrentThreadCpuTime();
            long wallEnd = System.nanoTime() + wallNanos;
            long last = System.nanoTime();
            long now;
            long cpu;
            do {
                for (long i = 0; i < batch; i++) {
                    libc.clock_gettime_fast(clockId, timespec);
                }
                n += batch;
                // Look at the clocks about once a millisecond only: they may be syscalls on a
                // fallback host and must not add measurable system time of their own.
                now = System.nanoTime();
                cpu = threadCpu.getCurrentThreadCpuTime() - cpuStart;
                long took = Math.max(1, now - last);
                last = now;
                batch = Math.max(64, Math.min(1_000_000, batch * CHECK_EVERY_NANOS / took));
            } while (cpu < cpuNanos && now < wallEnd);
            return n;
        }

        /** struct timeval at the given offset of struct rusage, in microseconds. */
        private long micros(long offset) {
            return na.readLong(usage, offset) * 1_000_000L + na.readLong(usage, offset + 8);
        }
    }

    private static long[] buffers;

    /** Loops run one at a time (the detector joins each thread), so they can share two buffers. */
    private static synchronized long[] buffers(NativeAccess na) {
        if (buffers == null) {
            buffers = new long[] {na.allocateForever(RUSAGE_BYTES), na.allocateForever(16)};
        }
        return buffers;
    }
}
