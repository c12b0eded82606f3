package io.vdsoagent.examples.benchmarks;

import io.vdsoagent.bootstrap.ClockCallApproximateRecorder;
import io.vdsoagent.bootstrap.ClockCallRecorder;
import io.vdsoagent.bootstrap.ClockCallSharedCounts;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Measures how many calls count-mode=approximate loses: T threads call System.nanoTime through the
 * approximate recorder N times each, on one shared site (worst case) and on one site per thread, and the
 * counted total is compared with T x N. Exact mode is run alongside as the control (must lose nothing).
 * Usage: {@code ApproximateCountError [threads] [callsPerThread]}.
 */
public final class ApproximateCountError {

    private ApproximateCountError() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000_000;
        int next = 100;
        for (int round = 0; round < 3; round++) {
            report("approximate, one shared site ", threads, calls, next, false, false);
            report("approximate, one site/thread ", threads, calls, next + 1, true, false);
            report("exact (control), shared site ", threads, calls, next + 1 + threads, false, true);
            next += 2 + 2 * threads;
        }
    }

    private static void report(String what, int threads, int calls, int firstSite, boolean sitePerThread,
            boolean exact) throws InterruptedException {
        ClockCallSharedCounts.ensureSite(firstSite + threads);
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int site = sitePerThread ? firstSite + t : firstSite;
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    if (exact) {
                        ClockCallRecorder.nanoTime(site);
                    } else {
                        ClockCallApproximateRecorder.nanoTime(site);
                    }
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long[] counts = ClockCallRecorder.siteCounts(firstSite + threads + 1);
        long counted = 0;
        for (int s = firstSite; s < firstSite + (sitePerThread ? threads : 1); s++) {
            counted += counts[s];
        }
        long expected = (long) threads * calls;
        System.out.printf(Locale.ROOT, "%s threads=%d expected=%,d counted=%,d lost=%.3f%%%n", what, threads,
                expected, counted, 100.0 * (expected - counted) / expected);
    }
}
