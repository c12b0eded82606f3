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
 * A hint from timing: libc {@code clock_gettime} divided by the raw syscall for the same clock,
 * FFI baseline subtracted from both. Measured on tsc: 0.01-0.11 for vDSO clocks, 0.93-1.05 for
 * the CPU-time clocks. Not proof: a cheap syscall and a slow paravirtual clock can converge, so
 * the band between the thresholds stays unknown. Also supplies the per-call costs of both paths.
 *
 * <p>A heuristic, so it says how sure it is: inconclusive when the ratio lies between the bands, when
 * the raw syscall is not measurably dearer than the FFI baseline, or when the timing thread got less
 * than {@link #MIN_CORE_SHARE} of a core while it measured (preempted batches make both paths look
 * alike); high confidence only well inside a band ({@link #VDSO_CLEAR}, {@link #SYSCALL_CLEAR}).
 */
public final class LatencyDetector implements Detector {
    static final double VDSO_BELOW = 0.5;
    static final double SYSCALL_ABOVE = 0.8;
    /** Ratios this far inside a band (measured: 0.01-0.11 vDSO, 0.93-1.05 syscall) earn high confidence. */
    static final double VDSO_CLEAR = 0.25;
    static final double SYSCALL_CLEAR = 0.9;
    /** A measurement that got less of a core than this (CPU time / wall time) ran on a machine too busy to trust. */
    static final double MIN_CORE_SHARE = 0.5;
    private static final int LIBC_CALLS = 2000;
    private static final int SYSCALL_CALLS = 200;

    private final Probed<NativeAccess> nativeAccess;
    /** The timespec the timed calls write; owned by this detector. */
    private NativeBuffer buffer;

    public LatencyDetector() {
        this(NativeAccessLoader.shared());
    }

    public LatencyDetector(Probed<NativeAccess> nativeAccess) {
        this.nativeAccess = nativeAccess;
    }

    @Override
    public String name() {
        return DetectorId.LATENCY.label();
    }

    @Override
    public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        List<Finding> out = new ArrayList<>(clocks.size());
        Probed<NativeAccess> na = nativeAccess;
        if (!na.known()) {
            for (ClockId c : clocks) {
                out.add(Finding.nativeUnavailable(name(), c, NativeAccessLoader.unavailable(na.reason())));
            }
            return out;
        }
        try {
            NativeTimer timer = new NativeTimer(na.get(), buffer(na.get()));
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            boolean cpuTimed = mx.isCurrentThreadCpuTimeSupported();
            for (ClockId c : clocks) {
                long cpu0 = cpuTimed ? mx.getCurrentThreadCpuTime() : -1;
                long wall0 = System.nanoTime();
                NativeTimer.Cost libc = timer.libc(c.linuxId(), LIBC_CALLS);
                NativeTimer.Cost raw = timer.syscall(c.linuxId(), SYSCALL_CALLS);
                long wall = System.nanoTime() - wall0;
                double coreShare = cpuTimed && wall > 0 ? (mx.getCurrentThreadCpuTime() - cpu0) / (double) wall : 1;
                out.add(judge(c, libc.netNanos, raw.netNanos, libc.baselineNanos, coreShare));
            }
            return out;
        } catch (Throwable t) {
            out.clear();
            for (ClockId c : clocks) {
                out.add(Finding.failed(DetectorId.LATENCY, c, "timing failed: " + t));
            }
            return out;
        }
    }

    static Finding judge(ClockId c, double libcNanos, double syscallNanos, double baselineNanos) {
        return judge(c, libcNanos, syscallNanos, baselineNanos, 1);
    }

    /**
     * @param coreShare the timing thread's CPU time over the wall time of this clock's measurement
     */
    static Finding judge(ClockId c, double libcNanos, double syscallNanos, double baselineNanos, double coreShare) {
        String nums = String.format(Locale.ROOT, "libc %.1f ns, syscall %.1f ns per call (FFI baseline ~%.1f ns subtracted)",
                libcNanos, syscallNanos, baselineNanos);
        if (!(syscallNanos > 0) || syscallNanos < baselineNanos * 0.5) {
            return Finding.timed(DetectorId.LATENCY, c, Verdict.UNKNOWN, "inconclusive: the raw syscall is not measurably"
                    + " dearer than the FFI call itself: " + nums, libcNanos, syscallNanos);
        }
        double ratio = libcNanos / syscallNanos;
        String detail = String.format(Locale.ROOT, "ratio %.2f: %s", ratio, nums);
        if (coreShare < MIN_CORE_SHARE) {
            return Finding.timed(DetectorId.LATENCY, c, Verdict.UNKNOWN, String.format(Locale.ROOT,
                    "inconclusive: disturbed by load (the timing thread got %.0f %% of a core, needs %.0f %%); %s",
                    coreShare * 100, MIN_CORE_SHARE * 100, detail), libcNanos, syscallNanos);
        }
        if (ratio >= VDSO_BELOW && ratio <= SYSCALL_ABOVE) {
            return Finding.timed(DetectorId.LATENCY, c, Verdict.UNKNOWN, "inconclusive: " + detail + "; between "
                    + VDSO_BELOW + " and " + SYSCALL_ABOVE + " the timing cannot separate vDSO from syscall",
                    libcNanos, syscallNanos);
        }
        Verdict v = ratio < VDSO_BELOW ? Verdict.VDSO : Verdict.SYSCALL;
        boolean clear = v == Verdict.VDSO ? ratio < VDSO_CLEAR : ratio > SYSCALL_CLEAR;
        return Finding.timed(DetectorId.LATENCY, c, v, "a timing hint: " + detail, libcNanos, syscallNanos)
                .withConfidence(clear ? Confidence.HIGH : Confidence.MEDIUM);
    }

    private synchronized NativeBuffer buffer(NativeAccess na) {
        if (buffer == null) {
            buffer = na.allocate(16);
        }
        return buffer;
    }
}
