package io.vdsoagent.bootstrap.clockcall;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sampled latency of the application's clock calls, per clock method (the indexes of
 * {@link ClockCallMethods}). Only one call in {@code sampleEvery} reaches this class, so atomics are
 * fine here. Each sample stands for the {@code sampleEvery} calls counted since the previous sample of
 * the same counter, which turns the sampled latency into an estimate of the time spent in all calls.
 *
 * <p>System class loader, JDK only: no logging, no dependencies.
 */
public final class ClockCallSamples {

    /** Number of clock methods the recorder distinguishes ({@link ClockCallMethods}). */
    public static final int METHODS = ClockCallMethods.COUNT;

    /**
     * {@code sampleEvery - 1}; sampleEvery is a power of two so "is this the Nth call" is a mask test.
     * Plain (not volatile) on purpose: the hot path reads it on every call; a thread seeing the old value
     * for a while only samples at the old rate.
     */
    static int sampleMask = 1023;

    private static final AtomicLongArray SAMPLES = new AtomicLongArray(METHODS);
    private static final AtomicLongArray SAMPLED_NANOS = new AtomicLongArray(METHODS);
    private static final AtomicLongArray ESTIMATED_NANOS = new AtomicLongArray(METHODS);

    private ClockCallSamples() {
    }

    /** Sets the sampling rate; values that are not a positive power of two are ignored. */
    public static void configure(int sampleEvery) {
        if (sampleEvery > 0 && Integer.bitCount(sampleEvery) == 1) {
            sampleMask = sampleEvery - 1;
        }
    }

    public static int sampleEvery() {
        return sampleMask + 1;
    }

    static void record(int method, long nanos) {
        if (nanos < 0) {
            return; // cannot happen with nanoTime on one thread; never let garbage into the sums
        }
        SAMPLES.incrementAndGet(method);
        SAMPLED_NANOS.addAndGet(method, nanos);
        ESTIMATED_NANOS.addAndGet(method, nanos * (sampleMask + 1L));
    }

    /** Number of latency samples taken for a method. */
    public static long samples(int method) {
        return SAMPLES.get(method);
    }

    /** Sum of the sampled latencies of a method, in nanoseconds. */
    public static long sampledNanos(int method) {
        return SAMPLED_NANOS.get(method);
    }

    /** Estimated nanoseconds spent in all calls of a method: each sample times the calls it stands for. */
    public static long estimatedNanos(int method) {
        return ESTIMATED_NANOS.get(method);
    }
}
