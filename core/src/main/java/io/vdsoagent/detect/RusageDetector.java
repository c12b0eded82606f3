package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis {@code --check-system} / ddprof method: busy-loop {@code clock_gettime} and look at
 * the system share of the CPU time the loop consumed. Each clock loops on its own fresh thread so the
 * kernel's tick-sampled user/system split (scaled over the thread's whole life) is not skewed by
 * earlier work on the caller's thread.
 *
 * <p>The split is not comparable across hosts: with tick-based accounting a clock that always makes the
 * syscall showed 48-100 % system time on one VM and 20 % on another (kvm-clock). So every run first
 * measures two controls whose answer the kernel fixes on any Linux: {@code thread_cputime} (always a
 * syscall) and {@code monotonic_coarse} (never reads the counter, so it stays in the vDSO). A clock is
 * judged only when the controls separate clearly and its own share sits near one of them; otherwise
 * the finding is unknown and says why. Never a guess.
 */
public final class RusageDetector implements Detector {
    /**
     * The controls must differ by this much system share before any clock is judged: one stray tick
     * of ~6 (HZ=250, 25 ms loops) moves a share by ~15 %, so a smaller gap is within the noise.
     */
    static final double MIN_CONTROL_GAP = 0.30;
    /** A clock is judged only within this fraction of the control gap from one of the controls. */
    static final double NEAR_CONTROL = 0.25;
    /** A loop that got less than this share of a core in wall time ran on a machine too busy to trust. */
    static final double MIN_CORE_SHARE = 0.25;
    /** The per-call cost must lie in the third of the (log) span next to the control the share points to. */
    static final double COST_THIRD = 1 / 3.0;
    static final ClockId SYSCALL_CONTROL = ClockId.THREAD_CPUTIME_ID;
    static final ClockId VDSO_CONTROL = ClockId.MONOTONIC_COARSE;
    private static final int RUSAGE_THREAD = 1;
    private static final long CHECK_EVERY_NANOS = 1_000_000;
    private static final int RUSAGE_BYTES = 256; // struct rusage is 144 bytes on LP64

    private final long loopNanos;
    private final long minCpuNanos;
    private final long wallCapNanos;
    private final long timeoutMillis;
    private final Probed<NativeAccess> nativeAccess;
    /** struct rusage and a timespec, owned by this detector; loops run one at a time (each is joined). */
    private NativeBuffer usage;
    private NativeBuffer timespec;

    /**
     * @param loopMillis CPU time each clock is looped (5 ticks at HZ=250 = 20 ms)
     * @param minCpuMillis below this much CPU in a loop the split is too coarse to judge
     * @param wallCapMillis a loop stops after this much wall time even short of its CPU budget
     *                      (a loaded machine gives it only part of a core)
     */
    public RusageDetector(long loopMillis, long minCpuMillis, long wallCapMillis, long timeoutMillis) {
        this(loopMillis, minCpuMillis, wallCapMillis, timeoutMillis, NativeAccessLoader.shared());
    }

    public RusageDetector(long loopMillis, long minCpuMillis, long wallCapMillis, long timeoutMillis,
            Probed<NativeAccess> nativeAccess) {
        this.nativeAccess = nativeAccess;
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
    public synchronized List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        List<Finding> out = new ArrayList<>(clocks.size());
        Probed<NativeAccess> na = nativeAccess;
        if (!na.known()) {
            for (ClockId c : clocks) {
                out.add(Finding.nativeUnavailable(name(), c, NativeAccessLoader.unavailable(na.reason())));
            }
            return out;
        }
        Measurement syscallControl = null;
        Measurement vdsoControl = null;
        String failure = null;
        try {
            if (!clocks.isEmpty()) {
                syscallControl = measure(na.get(), SYSCALL_CONTROL);
                vdsoControl = measure(na.get(), VDSO_CONTROL);
            }
        } catch (ProbeFailure e) {
            failure = "control loop: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller asked to stop: keep its flag
            failure = "interrupted while waiting for the loop thread";
        }
        for (ClockId c : clocks) {
            if (failure != null) {
                // A loop still running would share the buffers: measure nothing more this run.
                out.add(Finding.failed(DetectorId.RUSAGE, c, failure));
                continue;
            }
            try {
                out.add(judge(c, measure(na.get(), c), syscallControl, vdsoControl, minCpuNanos));
            } catch (ProbeFailure e) {
                failure = "skipped after an earlier loop failed: " + e.getMessage();
                out.add(Finding.failed(DetectorId.RUSAGE, c, e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted while waiting for the loop thread";
                out.add(Finding.failed(DetectorId.RUSAGE, c, failure));
            } catch (Throwable t) {
                out.add(Finding.failed(DetectorId.RUSAGE, c, "probe failed: " + t));
            }
        }
        return out;
    }

    private Measurement measure(NativeAccess na, ClockId clock) throws InterruptedException, ProbeFailure {
        if (usage == null) {
            usage = na.allocate(RUSAGE_BYTES);
            timespec = na.allocate(16);
        }
        Loop loop = new Loop(na, usage, timespec, clock.linuxId(), loopNanos, wallCapNanos);
        Thread t = new Thread(loop, "vdso-agent-rusage-probe");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
        t.join(timeoutMillis);
        if (t.isAlive() || !loop.finished) {
            usage = null; // that thread keeps its buffers; the next run gets fresh ones
            timespec = null;
            throw new ProbeFailure("loop thread did not finish within " + timeoutMillis + " ms");
        }
        if (loop.failed) {
            throw new ProbeFailure("getrusage(RUSAGE_THREAD) failed: errno " + loop.errno);
        }
        return new Measurement(loop.userNanos, loop.systemNanos, loop.calls, loop.wallNanos);
    }

    /** A loop that failed as a probe (not a verdict): counted as a probe error. */
    private static final class ProbeFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ProbeFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** What one clock loop consumed. */
    static final class Measurement {
        final long userNanos;
        final long systemNanos;
        final long calls;
        final long wallNanos;

        Measurement(long userNanos, long systemNanos, long calls, long wallNanos) {
            this.userNanos = userNanos;
            this.systemNanos = systemNanos;
            this.calls = calls;
            this.wallNanos = wallNanos;
        }

        long cpuNanos() {
            return userNanos + systemNanos;
        }

        double systemShare() {
            return cpuNanos() == 0 ? 0 : systemNanos / (double) cpuNanos();
        }

        double coreShare() {
            return wallNanos <= 0 ? 1 : cpuNanos() / (double) wallNanos;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f %% system of %.1f ms CPU, %d calls",
                    systemShare() * 100, cpuNanos() / 1e6, calls);
        }
    }

    /**
     * Judges one clock's loop against the two controls of the same run. Unknown, with the reason, when
     * a loop had too little CPU to sample, ran on a machine too busy to trust, when the controls do not
     * separate on this host, or when the clock's share lies between them.
     */
    static Finding judge(ClockId clock, Measurement m, Measurement syscallControl, Measurement vdsoControl,
                         long minCpuNanos) {
        String nums = clock.label() + " " + m + "; controls " + SYSCALL_CONTROL.label() + " "
                + percent(syscallControl.systemShare()) + ", " + VDSO_CONTROL.label() + " "
                + percent(vdsoControl.systemShare());
        for (Measurement x : new Measurement[] {m, syscallControl, vdsoControl}) {
            if (x.cpuNanos() < minCpuNanos) {
                return Finding.of(DetectorId.RUSAGE, clock, Verdict.UNKNOWN, "too few ticks: " + nums
                        + " (each loop needs " + minCpuNanos / 1_000_000 + " ms CPU)");
            }
            if (x.coreShare() < MIN_CORE_SHARE) {
                return Finding.of(DetectorId.RUSAGE, clock, Verdict.UNKNOWN, "disturbed by load: a loop got "
                        + percent(x.coreShare()) + " of a core; " + nums);
            }
        }
        double high = syscallControl.systemShare();
        double low = vdsoControl.systemShare();
        double gap = high - low;
        if (gap < MIN_CONTROL_GAP) {
            return Finding.of(DetectorId.RUSAGE, clock, Verdict.UNKNOWN, "not conclusive on this host: the controls"
                    + " differ by " + percent(gap) + " (needs " + percent(MIN_CONTROL_GAP) + "); " + nums);
        }
        double share = m.systemShare();
        String costs = costDisagreement(m, syscallControl, vdsoControl, share >= high - gap * NEAR_CONTROL);
        if (costs != null && (share >= high - gap * NEAR_CONTROL || share <= low + gap * NEAR_CONTROL)) {
            return Finding.of(DetectorId.RUSAGE, clock, Verdict.UNKNOWN, "not conclusive: " + costs + "; " + nums);
        }
        // High confidence only when the controls are far apart and the clock sits close to one of them.
        Confidence wellApart = gap >= 2 * MIN_CONTROL_GAP ? Confidence.HIGH : Confidence.MEDIUM;
        if (share >= high - gap * NEAR_CONTROL) {
            return Finding.of(DetectorId.RUSAGE, clock, Verdict.SYSCALL, "a CPU-accounting hint: near the syscall control: "
                    + nums).withConfidence(share >= high - gap * NEAR_CONTROL / 2 ? wellApart : Confidence.MEDIUM);
        }
        if (share <= low + gap * NEAR_CONTROL) {
            return Finding.of(DetectorId.RUSAGE, clock, Verdict.VDSO, "a CPU-accounting hint: near the vDSO control: "
                    + nums).withConfidence(share <= low + gap * NEAR_CONTROL / 2 ? wellApart : Confidence.MEDIUM);
        }
        return Finding.of(DetectorId.RUSAGE, clock, Verdict.UNKNOWN, "not conclusive: between the controls; " + nums);
    }

    /**
     * Tick-sampled accounting can book a syscall-bound loop as user time (measured in emulated guests:
     * 0 % and 5 % system for clocks that made a syscall per call). The loop's own per-call CPU cost is a
     * second, independent signal, placed on a log scale between the controls' costs (0 = the vDSO
     * control, 1 = the syscall control). A verdict needs it clearly on the same side as the share: below
     * {@link #COST_THIRD} for vDSO, above 1 - {@link #COST_THIRD} for syscall. In the middle, or on the
     * other side, the measurement contradicts itself, so no verdict.
     *
     * @return why the cost does not back the share, or null when it does (or the costs are not measurable)
     */
    static String costDisagreement(Measurement m, Measurement syscallControl, Measurement vdsoControl,
                                   boolean shareSaysSyscall) {
        if (m.calls <= 0 || syscallControl.calls <= 0 || vdsoControl.calls <= 0) {
            return null;
        }
        double cost = m.cpuNanos() / (double) m.calls;
        double sys = syscallControl.cpuNanos() / (double) syscallControl.calls;
        double vdso = vdsoControl.cpuNanos() / (double) vdsoControl.calls;
        if (!(sys > vdso) || !(cost > 0) || !(vdso > 0)) {
            return null;
        }
        double position = Math.log(cost / vdso) / Math.log(sys / vdso);
        boolean backed = shareSaysSyscall ? position > 1 - COST_THIRD : position < COST_THIRD;
        if (backed) {
            return null;
        }
        return String.format(Locale.ROOT, "the system share points to the %s control but a call costs %.0f ns of CPU,"
                        + " %.0f %% of the way from the vDSO control to the syscall control on a log scale (%s %.0f ns, %s %.0f ns)",
                shareSaysSyscall ? "syscall" : "vDSO", cost, position * 100, VDSO_CONTROL.label(), vdso,
                SYSCALL_CONTROL.label(), sys);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    private static final class Loop implements Runnable {
        private final NativeAccess na;
        /** Held, not just their addresses: reachable while this thread runs, even past a timeout. */
        private final NativeBuffer usageBuffer;
        private final NativeBuffer timespecBuffer;
        private final int clockId;
        private final long loopNanos;
        private final long wallCapNanos;
        private final long usage;
        private final long timespec;
        private final java.lang.management.ThreadMXBean threadCpu = java.lang.management.ManagementFactory.getThreadMXBean();
        volatile long userNanos;
        volatile long systemNanos;
        volatile long calls;
        volatile long wallNanos;
        volatile boolean failed;
        volatile int errno;
        volatile boolean finished;

        Loop(NativeAccess na, NativeBuffer usage, NativeBuffer timespec, int clockId, long loopNanos,
                long wallCapNanos) {
            this.na = na;
            this.usageBuffer = usage;
            this.timespecBuffer = timespec;
            this.clockId = clockId;
            this.loopNanos = loopNanos;
            this.wallCapNanos = wallCapNanos;
            this.usage = usage.address();
            this.timespec = timespec.address();
        }

        @Override
        public void run() {
            try {
                // A short unmeasured run first: dilutes the thread's start-up (kernel) time, which
                // the kernel's scaling would otherwise smear over the measured loop.
                loop(loopNanos / 5, wallCapNanos / 5);
                if (na.getrusage(RUSAGE_THREAD, usage) != 0) {
                    errno = na.lastErrno();
                    failed = true;
                    return;
                }
                long u0 = micros(0);
                long s0 = micros(16);
                long w0 = System.nanoTime();
                long n = loop(loopNanos, wallCapNanos);
                wallNanos = System.nanoTime() - w0;
                if (na.getrusage(RUSAGE_THREAD, usage) != 0) {
                    errno = na.lastErrno();
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
                    na.clockGettimeFast(clockId, timespec);
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
        private long micros(int offset) {
            return usageBuffer.readLong(offset) * 1_000_000L + usageBuffer.readLong(offset + 8);
        }
    }
}
