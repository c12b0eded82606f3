package io.vdsoagent.detect;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JVM's own clock path against the kernel: {@code System.nanoTime} between raw CLOCK_MONOTONIC
 * syscalls (HotSpot on Linux returns CLOCK_MONOTONIC in ns, no offset), {@code System.currentTimeMillis}
 * between raw CLOCK_REALTIME syscalls, two rounds each as in {@link ClockConsistencyCheck}; and a short
 * spin on nanoTime that must neither go backwards nor stand still while the kernel's monotonic clock
 * advances by more than twice its resolution. An LD_PRELOAD interposer (libfaketime) or a stale vDSO
 * shows here even when libc's own clock_gettime is right.
 */
public final class JvmClockConsistencyCheck {
    /** The spin runs until the kernel's monotonic clock advanced this much (or 2x its resolution). */
    static final long MIN_SPIN_NANOS = 20_000;
    /** A resolution so coarse that the spin would take longer than this is not spun: unknown. */
    static final long MAX_SPIN_NANOS = 200_000_000;
    private static final int FIRST_CHUNK = 256;
    private static final long MAX_CALLS = 1L << 24;
    private static volatile long sink;

    private final ClockConsistencyCheck kernel;

    public JvmClockConsistencyCheck(ClockConsistencyCheck kernel) {
        this.kernel = kernel;
    }

    /**
     * @param library the interposer the symbol resolution found ("" when none or not resolved): named
     *                with a disagreement, since it is what stands between the JVM and libc
     */
    public List<JvmClockConsistency> check(String library) {
        List<JvmClockConsistency> out = new ArrayList<>();
        try {
            out.add(nanoTime(library));
        } catch (Throwable t) {
            out.add(new JvmClockConsistency(JvmClockPath.NANO_TIME, ClockConsistency.unknown(ClockId.MONOTONIC,
                    "the JVM clock consistency check failed: " + Failures.describe(t)), library));
        }
        ClockConsistency millis;
        try {
            millis = currentTimeMillis();
        } catch (Throwable t) {
            millis = ClockConsistency.unknown(ClockId.REALTIME, "the JVM clock consistency check failed: " + Failures.describe(t));
        }
        out.add(new JvmClockConsistency(JvmClockPath.CURRENT_TIME_MILLIS, millis, library));
        return out;
    }

    private JvmClockConsistency nanoTime(String library) {
        ClockId c = ClockId.MONOTONIC;
        Probed<Long> res = kernel.resolution(c);
        if (!res.known()) {
            return new JvmClockConsistency(JvmClockPath.NANO_TIME, ClockConsistency.unknown(c, res.reason()), library);
        }
        long k0 = kernel.kernelNanos(c);
        long n0 = System.nanoTime();
        long k1 = kernel.kernelNanos(c);
        long n1 = System.nanoTime();
        long k2 = kernel.kernelNanos(c);
        ClockConsistency bracket = ClockConsistencyCheck.judge(c, new long[] {k0, k1, k2}, new long[] {n0, n1},
                res.get(), 0, JvmClockPath.NANO_TIME);
        Spin spin = spin(res.get(), k2);
        if (spin.unknown != null) {
            return new JvmClockConsistency(JvmClockPath.NANO_TIME, new ClockConsistency(c, bracket.consistent(),
                    bracket.offsetSeconds(), bracket.resolutionSeconds(), () -> bracket.detail() + "; spin not run: "
                    + spin.unknown, bracket.kernelFromNanos(), bracket.kernelToNanos()), library,
                    Probed.<Boolean>unknown(spin.unknown), Probed.<Boolean>unknown(spin.unknown));
        }
        boolean ok = bracket.consistent().get() && spin.backwardsNanos == 0 && !spin.standingStill;
        return new JvmClockConsistency(JvmClockPath.NANO_TIME, new ClockConsistency(c, Probed.of(ok),
                bracket.offsetSeconds(), bracket.resolutionSeconds(), () -> bracket.detail() + "; " + spin.detail(),
                bracket.kernelFromNanos(), bracket.kernelToNanos()), library,
                Probed.of(spin.standingStill), Probed.of(spin.backwardsNanos > 0));
    }

    private ClockConsistency currentTimeMillis() {
        ClockId c = ClockId.REALTIME;
        Probed<Long> res = kernel.resolution(c);
        if (!res.known()) {
            return ClockConsistency.unknown(c, res.reason());
        }
        long k0 = kernel.kernelNanos(c);
        long m0 = System.currentTimeMillis();
        long k1 = kernel.kernelNanos(c);
        long m1 = System.currentTimeMillis();
        long k2 = kernel.kernelNanos(c);
        return ClockConsistencyCheck.judge(c, new long[] {k0, k1, k2}, new long[] {m0 * 1_000_000, m1 * 1_000_000},
                res.get(), 1_000_000, JvmClockPath.CURRENT_TIME_MILLIS);
    }

    /** What the spin saw. */
    static final class Spin {
        String unknown;
        long calls;
        long kernelAdvanceNanos;
        long jvmAdvanceNanos;
        long backwardsNanos;
        boolean standingStill;

        String detail() {
            return String.format(Locale.ROOT, "spin: %d nanoTime calls while the kernel's monotonic advanced %s:"
                            + " nanoTime advanced %s%s%s", calls, ClockConsistencyCheck.seconds(kernelAdvanceNanos / 1e9),
                    ClockConsistencyCheck.seconds(jvmAdvanceNanos / 1e9),
                    standingStill ? " (STANDING STILL)" : "",
                    backwardsNanos > 0 ? ", WENT BACKWARDS by up to " + ClockConsistencyCheck.seconds(backwardsNanos / 1e9) : "");
        }
    }

    /**
     * Calls nanoTime in growing chunks, reading the kernel's monotonic clock between chunks, until the
     * kernel advanced {@code max(2 x resolution, MIN_SPIN_NANOS)}: on a healthy host ~20 us and two or
     * three syscalls. nanoTime must change at least once in that time (a correct clock of resolution r
     * ticks at least once in 2r) and never decrease.
     */
    Spin spin(long resolutionNanos, long kernelStart) {
        Spin s = new Spin();
        long need = Math.max(2 * resolutionNanos, MIN_SPIN_NANOS);
        if (need > MAX_SPIN_NANOS) {
            s.unknown = "the monotonic clock's resolution (" + ClockConsistencyCheck.seconds(resolutionNanos / 1e9)
                    + ") is too coarse for a short spin";
            return s;
        }
        long first = System.nanoTime();
        long prev = first;
        long min = first;
        long max = first;
        long kernelNow = kernelStart;
        int chunk = FIRST_CHUNK;
        while (kernelNow - kernelStart < need) {
            for (int i = 0; i < chunk; i++) {
                long n = System.nanoTime();
                if (n < prev) {
                    s.backwardsNanos = Math.max(s.backwardsNanos, prev - n);
                }
                prev = n;
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            s.calls += chunk;
            kernelNow = kernel.kernelNanos(ClockId.MONOTONIC);
            if (kernelNow - kernelStart > 2 * MAX_SPIN_NANOS || s.calls > MAX_CALLS) {
                break; // a very slow host: what was seen so far still counts
            }
            chunk = Math.min(chunk * 2, 1 << 20);
        }
        sink = prev;
        s.kernelAdvanceNanos = kernelNow - kernelStart;
        s.jvmAdvanceNanos = max - min;
        s.standingStill = min == max && s.kernelAdvanceNanos >= need;
        return s;
    }
}
