package io.vdsoagent.examples.benchmarks;

import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;
import io.vdsoagent.bootstrap.clockcall.ClockCallSamples;
import io.vdsoagent.bootstrap.clockcall.ClockCallSharedCounts;
import java.util.Arrays;
import java.util.Locale;

/**
 * The per-call ratio of counted to bare clock calls on a busy machine: where JMH times each benchmark for
 * seconds after the other (and the load changes in between), this alternates a loop of 1,000 bare calls
 * with a loop of 1,000 counted ones, block by block in one thread, and compares the median blocks, so a
 * change of load hits both alike. The loops are the ones {@link ClockCallBenchmark} times.
 * Usage: {@code InterleavedRatio [exact|approximate] [threads]} (threads run it side by side, one site).
 */
public final class InterleavedRatio {

    private static final int CALLS = ClockCallBenchmark.CALLS;
    private static final int SITE = ClockCallBenchmark.SITE;
    private static final int WARM_UP_BLOCKS = 20_000;
    private static final int BLOCKS = 40_000;
    private static volatile long sink;

    private InterleavedRatio() {
    }

    public static void main(String[] args) throws InterruptedException {
        final boolean approximate = args.length > 0 && args[0].equals("approximate");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        ClockCallRecorder.configure(ClockCallSamples.sampleEvery(), approximate);
        ClockCallSharedCounts.ensureSite(SITE);
        double[][] results = new double[threads][];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int index = t;
            workers[t] = new Thread(() -> results[index] = measure(approximate));
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        for (double[] r : results) {
            System.out.printf(Locale.ROOT, "%s threads=%d nanoTime bare %.3f ns counted %.4fx"
                    + " | currentTimeMillis bare %.3f ns counted %.4fx%n",
                    approximate ? "approximate" : "exact", threads, r[0], r[1], r[2], r[3]);
        }
    }

    /** {bare nanoTime ns per call, counted/bare, bare currentTimeMillis ns per call, counted/bare}. */
    private static double[] measure(boolean approximate) {
        Loops loops = new Loops(approximate);
        for (int i = 0; i < WARM_UP_BLOCKS; i++) {
            sink += loops.bareNanoTime() + loops.countedNanoTime() + loops.bareMillis() + loops.countedMillis();
        }
        long[] bareNano = new long[BLOCKS];
        long[] countedNano = new long[BLOCKS];
        long[] bareMillis = new long[BLOCKS];
        long[] countedMillis = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            long t0 = System.nanoTime();
            sink += loops.bareNanoTime();
            long t1 = System.nanoTime();
            sink += loops.countedNanoTime();
            long t2 = System.nanoTime();
            sink += loops.bareMillis();
            long t3 = System.nanoTime();
            sink += loops.countedMillis();
            long t4 = System.nanoTime();
            bareNano[i] = t1 - t0;
            countedNano[i] = t2 - t1;
            bareMillis[i] = t3 - t2;
            countedMillis[i] = t4 - t3;
        }
        double bn = median(bareNano);
        double bm = median(bareMillis);
        return new double[] {bn / CALLS, median(countedNano) / bn, bm / CALLS, median(countedMillis) / bm};
    }

    /** ClockCallBenchmark's loops, called directly (the mode states are JMH's way to configure; unused here). */
    private static final class Loops {
        private final ClockCallBenchmark benchmark = new ClockCallBenchmark();
        private final boolean approximate;

        Loops(boolean approximate) {
            this.approximate = approximate;
        }

        long bareNanoTime() {
            return benchmark.nanoTimeBare();
        }

        long countedNanoTime() {
            return approximate ? benchmark.nanoTimeApproximate(null) : benchmark.nanoTimeExact(null);
        }

        long bareMillis() {
            return benchmark.currentTimeMillisBare();
        }

        long countedMillis() {
            return approximate ? benchmark.currentTimeMillisApproximate(null) : benchmark.currentTimeMillisExact(null);
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
