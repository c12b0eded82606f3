package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.NativeAccess;
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
 */
public final class LatencyDetector implements Detector {
    static final double VDSO_BELOW = 0.5;
    static final double SYSCALL_ABOVE = 0.8;
    private static final int LIBC_CALLS = 2000;
    private static final int SYSCALL_CALLS = 200;

    private static long buffer;

    @Override
    public String name() {
        return DetectorId.LATENCY.label();
    }

    @Override
    public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        List<Finding> out = new ArrayList<>(clocks.size());
        Probed<NativeAccess> na = NativeAccess.get();
        if (!na.known()) {
            for (ClockId c : clocks) {
                out.add(Finding.of(name(), c, Verdict.UNKNOWN, NativeAccess.unavailableReason()));
            }
            return out;
        }
        try {
            NativeTimer timer = new NativeTimer(na.get(), buffer(na.get()));
            for (ClockId c : clocks) {
                NativeTimer.Cost libc = timer.libc(c.linuxId(), LIBC_CALLS);
                NativeTimer.Cost raw = timer.syscall(c.linuxId(), SYSCALL_CALLS);
                out.add(judge(c, libc.netNanos, raw.netNanos, libc.baselineNanos));
            }
            return out;
        } catch (Throwable t) {
            out.clear();
            for (ClockId c : clocks) {
                out.add(Finding.failed(name(), c, "timing failed: " + t));
            }
            return out;
        }
    }

    static Finding judge(ClockId c, double libcNanos, double syscallNanos, double baselineNanos) {
        String nums = String.format(Locale.ROOT, "libc %.1f ns, syscall %.1f ns per call (FFI baseline ~%.1f ns subtracted)",
                libcNanos, syscallNanos, baselineNanos);
        if (!(syscallNanos > 0)) {
            return Finding.timed(DetectorId.LATENCY.label(), c, Verdict.UNKNOWN, "raw syscall not measurable: " + nums,
                    libcNanos, syscallNanos);
        }
        double ratio = libcNanos / syscallNanos;
        String detail = String.format(Locale.ROOT, "ratio %.2f: %s", ratio, nums);
        Verdict v = ratio < VDSO_BELOW ? Verdict.VDSO : ratio > SYSCALL_ABOVE ? Verdict.SYSCALL : Verdict.UNKNOWN;
        if (v == Verdict.UNKNOWN) {
            detail = detail + "; between " + VDSO_BELOW + " and " + SYSCALL_ABOVE + " is not conclusive";
        }
        return Finding.timed(DetectorId.LATENCY.label(), c, v, detail, libcNanos, syscallNanos);
    }

    private static synchronized long buffer(NativeAccess na) {
        if (buffer == 0) {
            buffer = na.allocateForever(16);
        }
        return buffer;
    }
}
