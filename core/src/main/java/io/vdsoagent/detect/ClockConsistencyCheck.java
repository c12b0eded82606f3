package io.vdsoagent.detect;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Asks, per clock and every probe, whether the fast path's answer agrees with the kernel's: raw
 * {@code syscall(SYS_clock_gettime)}, libc {@code clock_gettime}, raw, libc, raw (two rounds, three
 * syscalls per clock). Each libc value must lie between the raw values around it. The vdso/syscall
 * detectors cannot see this fault: a vDSO answering from data the kernel no longer updates (ppc64 with
 * the jiffies clocksource) makes no syscall at all and still returns the wrong time.
 *
 * <p>Allowances. Monotonic-class clocks (monotonic, monotonic_raw, boottime, monotonic_coarse) can never
 * legitimately leave the bracket: the kernel publishes the vDSO's data under the same lock its own reads
 * take, so a correct vDSO value read between two syscalls lies between them. Only the clock's
 * resolution ({@code clock_getres}: 1 ns for high-resolution clocks, a tick for the coarse ones and for
 * every clock under {@code highres=off}) is allowed, and every round must pass (an intermittent error
 * counts). Realtime and TAI can be stepped (settimeofday, an NTP step, a leap second) between two calls
 * of a round; such a step puts one round's value outside by the step, but not the other's, so the best
 * round decides, and it may be off by the resolution plus {@link #WALL_TOLERANCE_NANOS}: 1 ms, far below
 * any offset that matters to an application (NTP itself keeps hosts only within milliseconds) and far
 * above the few microseconds the bracket spans.
 *
 * <p>The CPU-time clocks are not checked: libc always makes the syscall for them, so the two paths are
 * one. Resolutions are read once per check instance (one more syscall per clock on the first probe).
 * Not thread-safe (one buffer, one cache): its owner, the {@code Prober}, serialises probes.
 */
public final class ClockConsistencyCheck {
    /** The clocks whose fast path can disagree with the kernel. */
    public static final List<ClockId> CLOCKS;

    static {
        List<ClockId> c = new ArrayList<>();
        for (ClockId id : ClockId.values()) {
            if (!id.isCpuTime()) {
                c.add(id);
            }
        }
        CLOCKS = Collections.unmodifiableList(c);
    }

    static final long WALL_TOLERANCE_NANOS = 1_000_000;
    static final int ROUNDS = 2;
    private static final long NANOS = 1_000_000_000L;

    private final NativeAccess na;
    /** kernel, fast, kernel, fast, kernel timespecs; held for as long as the kernel may write them. */
    private final NativeBuffer buffer;
    private final Map<ClockId, Long> resolutions = new EnumMap<>(ClockId.class);

    public ClockConsistencyCheck(NativeAccess na) {
        this.na = na;
        this.buffer = na.allocate(16 * (2 * ROUNDS + 1));
    }

    /** The libc path of each clock in {@link #CLOCKS}; never throws. */
    public List<ClockConsistency> check() {
        List<ClockConsistency> out = new ArrayList<>();
        for (ClockId c : CLOCKS) {
            try {
                out.add(checkLibc(c));
            } catch (Throwable t) {
                out.add(ClockConsistency.unknown(c, "the consistency check failed: " + Failures.describe(t)));
            }
        }
        return out;
    }

    private ClockConsistency checkLibc(ClockId c) {
        Probed<Long> res = resolution(c);
        if (!res.known()) {
            return ClockConsistency.unknown(c, res.reason());
        }
        long nr = na.arch().clockGettimeNr();
        long base = buffer.address();
        int id = c.linuxId();
        // Back to back, nothing between the calls: the bracket stays a few microseconds wide.
        long k0 = na.syscall2Fast(nr, id, base);
        int f0 = na.clockGettimeFast(id, base + 16);
        long k1 = na.syscall2Fast(nr, id, base + 32);
        int f1 = na.clockGettimeFast(id, base + 48);
        long k2 = na.syscall2Fast(nr, id, base + 64);
        if (k0 != 0 || k1 != 0 || k2 != 0) {
            return ClockConsistency.unknown(c, "the raw clock_gettime syscall failed (" + k0 + ", " + k1 + ", " + k2 + ")");
        }
        if (f0 != 0 || f1 != 0) {
            return ClockConsistency.unknown(c, "libc clock_gettime failed (" + f0 + ", " + f1 + ")");
        }
        long[] kernel = {nanos(0), nanos(32), nanos(64)};
        long[] fast = {nanos(16), nanos(48)};
        return judge(c, kernel, fast, res.get(), 0, "libc");
    }

    /** The kernel's clock_getres, cached: a failure is retried on the next probe. */
    Probed<Long> resolution(ClockId c) {
        Long cached = resolutions.get(c);
        if (cached != null) {
            return Probed.of(cached);
        }
        long r = na.syscall3(na.arch().clockGetresNr(), c.linuxId(), buffer.address(), 0);
        if (r != 0) {
            return Probed.unknown("clock_getres(" + c.label() + ") failed, errno " + na.lastErrno());
        }
        long nanos = nanos(0);
        resolutions.put(c, nanos);
        return Probed.of(nanos);
    }

    private long nanos(int offset) {
        return buffer.readLong(offset) * NANOS + buffer.readLong(offset + 8);
    }

    /** Reads the clock with the raw syscall (the kernel's own answer), in ns; throws when it fails. */
    long kernelNanos(ClockId c) {
        long r = na.syscall2Fast(na.arch().clockGettimeNr(), c.linuxId(), buffer.address());
        if (r != 0) {
            throw new IllegalStateException("the raw clock_gettime(" + c.label() + ") syscall failed");
        }
        return nanos(0);
    }

    /** Monotonic-class clocks may never leave the bracket; realtime and TAI may be stepped. */
    static boolean steppable(ClockId c) {
        return c == ClockId.REALTIME || c == ClockId.REALTIME_COARSE || c == ClockId.TAI;
    }

    /**
     * The verdict from the raw readings {@code kernel[0..n]} and the fast readings {@code fast[0..n-1]}
     * taken between them (all ns).
     *
     * @param resolutionNanos the kernel clock's clock_getres
     * @param truncationNanos how much the fast path's unit truncates (currentTimeMillis: 1 ms), else 0
     * @param path            what the fast path is, for the detail ("libc", "nanoTime")
     */
    static ClockConsistency judge(ClockId c, long[] kernel, long[] fast, long resolutionNanos, long truncationNanos,
                                  String path) {
        boolean steppable = steppable(c);
        long allow = resolutionNanos + (steppable ? WALL_TOLERANCE_NANOS : 0);
        int decide = -1;
        long decidingExcess = 0;
        for (int r = 0; r < fast.length; r++) {
            long lo = Math.min(kernel[r], kernel[r + 1]);
            long hi = Math.max(kernel[r], kernel[r + 1]);
            long v = fast[r];
            long excess = v < lo - allow - truncationNanos ? lo - allow - truncationNanos - v
                    : v > hi + allow ? v - hi - allow : 0;
            // Monotonic class: the worst round decides; steppable clocks: the best one.
            if (decide < 0 || (steppable ? excess < decidingExcess : excess > decidingExcess)) {
                decide = r;
                decidingExcess = excess;
            }
        }
        final long lo = kernel[decide];
        final long hi = kernel[decide + 1];
        final double offset = (fast[decide] - (lo + (hi - lo) / 2)) / 1e9;
        final boolean consistent = decidingExcess == 0;
        return new ClockConsistency(c, Probed.of(consistent), offset, resolutionNanos / 1e9, () -> String.format(Locale.ROOT,
                "%s %s %s the kernel's bracket [%d, %d] ns, %s from its middle (allowed: %s%s%s)",
                path, c.label(), consistent ? "within" : "OUTSIDE", lo, hi, seconds(offset),
                seconds(resolutionNanos / 1e9) + " resolution",
                steppable ? " + " + seconds(WALL_TOLERANCE_NANOS / 1e9) + " for a step" : "",
                truncationNanos > 0 ? " + " + seconds(truncationNanos / 1e9) + " truncation" : ""), lo, hi);
    }

    /** e.g. "+216.003 s", "-7.2 ms", "+350 ns". */
    static String seconds(double s) {
        double a = Math.abs(s);
        String sign = s < 0 ? "-" : "+";
        if (a >= 1) {
            return String.format(Locale.ROOT, "%s%.3f s", sign, a);
        }
        if (a >= 1e-3) {
            return String.format(Locale.ROOT, "%s%.3f ms", sign, a * 1e3);
        }
        if (a >= 1e-6) {
            return String.format(Locale.ROOT, "%s%.3f us", sign, a * 1e6);
        }
        return String.format(Locale.ROOT, "%s%.0f ns", sign, a * 1e9);
    }
}
