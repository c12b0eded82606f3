package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.LibC;
import io.vdsoagent.nativeaccess.NativeAccess;
import java.util.Arrays;

/**
 * Per-call costs of libc {@code clock_gettime}, the raw syscall and the FFI baseline ({@code abs}),
 * each the median of several batches (absolute times move 30-60 % between runs; medians of short
 * batches shrug off a preemption or a JIT compile). Each path has its own small loop method so the
 * JIT compiles it once and reuses it for every clock.
 */
final class NativeTimer {
    static final int BATCHES = 7;
    private static volatile long sink;

    private final NativeAccess na;
    private final LibC libc;
    private final long buffer;

    NativeTimer(NativeAccess na, long buffer) {
        this.na = na;
        this.libc = na.libc();
        this.buffer = buffer;
    }

    /** Median ns per call of the FFI baseline. */
    double baselineNanos(int callsPerBatch) {
        double[] r = new double[BATCHES];
        loopAbs(libc, callsPerBatch);
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            loopAbs(libc, callsPerBatch);
            r[b] = (System.nanoTime() - t0) / (double) callsPerBatch;
        }
        return median(r);
    }

    /** Median ns per call of libc clock_gettime (the vDSO entry), baseline not subtracted. */
    double libcNanos(int clockId, int callsPerBatch) {
        double[] r = new double[BATCHES];
        loopLibc(libc, clockId, buffer, callsPerBatch);
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            loopLibc(libc, clockId, buffer, callsPerBatch);
            r[b] = (System.nanoTime() - t0) / (double) callsPerBatch;
        }
        return median(r);
    }

    /** Median ns per call of syscall(SYS_clock_gettime), baseline not subtracted. */
    double syscallNanos(int clockId, int callsPerBatch) {
        double[] r = new double[BATCHES];
        long nr = na.arch().clockGettimeNr();
        loopSyscall(libc, nr, clockId, buffer, callsPerBatch);
        for (int b = 0; b < BATCHES; b++) {
            long t0 = System.nanoTime();
            loopSyscall(libc, nr, clockId, buffer, callsPerBatch);
            r[b] = (System.nanoTime() - t0) / (double) callsPerBatch;
        }
        return median(r);
    }

    private static void loopAbs(LibC libc, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += libc.abs(i);
        }
        sink = acc;
    }

    private static void loopLibc(LibC libc, int clockId, long buffer, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += libc.clock_gettime_fast(clockId, buffer);
        }
        sink = acc;
    }

    private static void loopSyscall(LibC libc, long nr, int clockId, long buffer, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += libc.syscall2_fast(nr, clockId, buffer);
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
