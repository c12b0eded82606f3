package io.vdsoagent.examples.benchmarks;

import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;
import io.vdsoagent.bootstrap.clockcall.ClockCallSamples;
import io.vdsoagent.bootstrap.clockcall.ClockCallSharedCounts;
import java.io.File;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Measures how many calls count-mode=approximate loses: T threads call System.nanoTime through the
 * recorder N times each, all on one site (the worst case), and the counted total is compared with T x N.
 * Exact mode is run alongside as the control (must lose nothing). The count mode is fixed per JVM, so
 * each round runs in a child JVM of its own mode, approximate and exact alternating.
 * Usage: {@code ApproximateCountError [callsPerThread]}.
 */
public final class ApproximateCountError {

    private static final int SITE = 100;

    private ApproximateCountError() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 3) {
            boolean exact = args[0].equals("exact");
            ClockCallRecorder.configure(ClockCallSamples.sampleEvery(), !exact);
            report(exact ? "exact (control), shared site " : "approximate, one shared site ",
                    Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        String calls = args.length > 0 ? args[0] : "20000000";
        // 2 threads: ids differ in the low bits, no stripe shared. 9 threads: at least two share a stripe.
        for (int threads : new int[] {2, 9}) {
            for (int round = 0; round < 3; round++) {
                child("approximate", threads, calls);
                child("exact", threads, calls);
            }
        }
    }

    private static void child(String mode, int threads, String calls) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ApproximateCountError.class.getName(), mode, Integer.toString(threads), calls).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(mode + " child exited with " + p.exitValue());
        }
    }

    private static boolean stripesShared(Thread[] workers) {
        boolean[] used = new boolean[8];
        for (Thread w : workers) {
            int stripe = (int) (w.getId() & 7);
            if (used[stripe]) {
                return true;
            }
            used[stripe] = true;
        }
        return false;
    }

    private static void report(String what, int threads, int calls) throws InterruptedException {
        ClockCallSharedCounts.ensureSite(SITE);
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    ClockCallRecorder.nanoTime(SITE);
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long counted = ClockCallRecorder.siteCounts(SITE + 1)[SITE];
        long expected = (long) threads * calls;
        System.out.printf(Locale.ROOT, "%s threads=%d stripes-shared=%b expected=%,d counted=%,d lost=%.3f%%%n",
                what, threads, stripesShared(workers), expected, counted, 100.0 * (expected - counted) / expected);
    }
}
