package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.util.Arrays;

/**
 * Per-call costs of libc {@code clock_gettime}, the raw syscall and the FFI baseline ({@code abs}),
 * each the median of several batches (absolute times move 30-60 % between runs; medians of short
 * batches shrug off a preemption or a JIT compile). Each path has its own small loop method so the
 * JIT compiles it once and reuses it for every clock.
 */
final class NativeTimer {
    static final int BATCHES = 7;
    private static final int CALIBRATION_CALLS = 32;
    /** The first look at a path's cost: enough to tell nanoseconds from microseconds. */
    private static final int PROBE_CALLS = 2;
    /** A call this dear is a trip through a user-space kernel (or worse): not worth warming or long batches. */
    static final double SLOW_CALL_NANOS = 5_000;
    /** One call of a slow path already spans thousands of timer ticks. */
    private static final int MIN_SLOW_CALLS = 1;
    private static final double BATCH_NANOS = 20_000;
    private static volatile long sink;

    private final NativeAccess na;
    private final NativeAccess libc;
    /** Held so the memory behind {@link #buffer} lives as long as this timer. */
    private final NativeBuffer timespec;
    private final long buffer;

    private static final int WARM_UP_ROUNDS = 100;
    private static final int MAX_EXTRA_ROUNDS = 400;
    /**
     * Implementations whose loops are compiled already (once per JVM each: compiling the jnr loops does
     * nothing for the FFM ones). Only saves time; a lost update costs one more warm-up.
     */
    private static final java.util.Set<String> WARMED_UP =
            java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<String, Boolean>());

    NativeTimer(NativeAccess na, NativeBuffer timespec) {
        this.na = na;
        this.libc = na;
        this.timespec = timespec;
        this.buffer = timespec.address();
        warmUp();
    }

    /**
     * Gets the three loops JIT-compiled before anything is timed (once per timer): a baseline
     * measured while interpreted would be several times too high and swallow the vDSO cost.
     */
    private void warmUp() {
        if (WARMED_UP.contains(na.implementation())) {
            return;
        }
        long nr = na.arch().clockGettimeNr();
        // A path whose calls cost microseconds (gVisor's ptrace platform: 34-61 us per syscall, and every
        // clock during its calibration) is not worth compiling: the interpreter's overhead is lost in the
        // call, and 100 warm-up rounds of it would cost the probe seconds. Such a loop is left cold.
        int coarseCalls = slow(perCall(ClockId.MONOTONIC_COARSE.linuxId(), false, nr, PROBE_CALLS)) ? 0 : 1000;
        int rawCalls = slow(perCall(ClockId.MONOTONIC_COARSE.linuxId(), true, nr, PROBE_CALLS)) ? 0 : 50;
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            warmUpRound(nr, coarseCalls, rawCalls);
        }
        // The JIT compiles in the background: on a busy host the baseline loop can still run at tier 3
        // after the fixed rounds (seen with FFM: abs 22 ns until C2 finished, then 3 ns), which would
        // swallow the vDSO cost. A compiled abs costs well under half a clock_gettime; until then, warm on.
        int checkCalls = slow(perCall(ClockId.MONOTONIC.linuxId(), false, nr, PROBE_CALLS)) ? PROBE_CALLS : 1000;
        for (int i = 0; i < MAX_EXTRA_ROUNDS && !baselineCompiled(checkCalls); i++) {
            warmUpRound(nr, coarseCalls, rawCalls);
        }
        WARMED_UP.add(na.implementation());
    }

    private void warmUpRound(long nr, int coarseCalls, int rawCalls) {
        loopAbs(libc, 1000);
        loopLibc(libc, ClockId.MONOTONIC_COARSE.linuxId(), buffer, coarseCalls);
        loopSyscall(libc, nr, ClockId.MONOTONIC_COARSE.linuxId(), buffer, rawCalls);
    }

    private boolean baselineCompiled(int libcCalls) {
        long t0 = System.nanoTime();
        loopAbs(libc, 1000);
        long t1 = System.nanoTime();
        loopLibc(libc, ClockId.MONOTONIC.linuxId(), buffer, libcCalls);
        long t2 = System.nanoTime();
        return 2 * (t1 - t0) / 1000.0 < (t2 - t1) / (double) libcCalls;
    }

    /**
     * Per-call nanoseconds of {@code calls} calls of one path, the lower of two tries (the first call of a
     * stub may link it): a sizing estimate, not a measurement.
     */
    private double perCall(int clockId, boolean raw, long nr, int calls) {
        return Math.min(perCallOnce(clockId, raw, nr, calls), perCallOnce(clockId, raw, nr, calls));
    }

    private double perCallOnce(int clockId, boolean raw, long nr, int calls) {
        long t0 = System.nanoTime();
        if (raw) {
            loopSyscall(libc, nr, clockId, buffer, calls);
        } else {
            loopLibc(libc, clockId, buffer, calls);
        }
        return Math.max(1, (System.nanoTime() - t0) / (double) calls);
    }

    private static boolean slow(double perCallNanos) {
        return perCallNanos >= SLOW_CALL_NANOS;
    }

    /** Per-call cost of one path: gross (as called through jnr) and net (FFI baseline subtracted). */
    static final class Cost {
        final double grossNanos;
        final double baselineNanos;
        final double netNanos;

        Cost(double grossNanos, double baselineNanos, double netNanos) {
            this.grossNanos = grossNanos;
            this.baselineNanos = baselineNanos;
            this.netNanos = netNanos;
        }
    }

    /** libc clock_gettime (the vDSO entry point). */
    Cost libc(int clockId, int callsPerBatch) {
        return measure(clockId, false, callsPerBatch);
    }

    /** syscall(SYS_clock_gettime): always enters the kernel. */
    Cost syscall(int clockId, int callsPerBatch) {
        return measure(clockId, true, callsPerBatch);
    }

    /**
     * Alternates a baseline batch with a batch of the path, so load that drifts during the run hits
     * both alike; the net cost is the median of the per-pair differences.
     */
    private Cost measure(int clockId, boolean raw, int maxCalls) {
        long nr = na.arch().clockGettimeNr();
        int n = callsFor(clockId, raw, nr, maxCalls);
        double[] gross = new double[BATCHES];
        double[] base = new double[BATCHES];
        double[] net = new double[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            loopAbs(libc, n);
            long t1 = System.nanoTime();
            if (raw) {
                loopSyscall(libc, nr, clockId, buffer, n);
            } else {
                loopLibc(libc, clockId, buffer, n);
            }
            long t2 = System.nanoTime();
            base[b] = (t1 - t0) / (double) n;
            gross[b] = (t2 - t1) / (double) n;
            net[b] = Math.max(0, gross[b] - base[b]);
        }
        return new Cost(median(gross), median(base), median(net));
    }

    /**
     * Sizes batches to ~{@link #BATCH_NANOS} (20 us: 7 of them per path keep a probe cheap) so a slow path (a CPU-time clock, a syscall fallback
     * at ~0.5-2 us) costs no more wall and CPU than a fast one.
     */
    private int callsFor(int clockId, boolean raw, long nr, int maxCalls) {
        double perCall = perCall(clockId, raw, nr, PROBE_CALLS);
        if (slow(perCall)) {
            // Microseconds per call (each of gVisor's costs 34-61 us of the sandbox's CPU): a call or two per
            // batch times it well; 32 would cost milliseconds per clock.
            return (int) Math.max(MIN_SLOW_CALLS, Math.min(maxCalls, BATCH_NANOS / perCall));
        }
        perCall = perCall(clockId, raw, nr, CALIBRATION_CALLS);
        return (int) Math.max(CALIBRATION_CALLS, Math.min(maxCalls, BATCH_NANOS / perCall));
    }

    private static void loopAbs(NativeAccess libc, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += libc.abs(i);
        }
        sink = acc;
    }

    private static void loopLibc(NativeAccess libc, int clockId, long buffer, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += libc.clockGettimeFast(clockId, buffer);
        }
        sink = acc;
    }

    private static void loopSyscall(NativeAccess libc, long nr, int clockId, long buffer, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += libc.syscall2Fast(nr, clockId, buffer);
        }
        sink = acc;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
