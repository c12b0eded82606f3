package io.vdsoagent.examples.benchmarks;

import io.vdsoagent.bootstrap.clockcall.ClockCallApproximateRecorder;
import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;
import io.vdsoagent.bootstrap.clockcall.ClockCallSharedCounts;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Measures how many calls count-mode=approximate loses: T threads call System.nanoTime through the
 * approximate recorder N times each, all on one site (the worst case), and the counted total is compared
 * with T x N. Exact mode is run alongside as the control (must lose nothing).
 * Usage: {@code ApproximateCountError [callsPerThread]}.
 */
public final class ApproximateCountError {

    private ApproximateCountError() {
    }

    public static void main(String[] args) throws InterruptedException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000_000;
        int next = 100;
        // 2 threads: ids differ in the low bits, no stripe shared. 9 threads: at least two share a stripe.
        for (int threads : new int[] {2, 9}) {
            for (int round = 0; round < 3; round++) {
                report("approximate, one shared site ", threads, calls, next, false, false);
                report("exact (control), shared site ", threads, calls, next + 1, false, true);
                next += 2;
            }
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

    private static void report(String what, int threads, int calls, int firstSite, boolean ignored,
            boolean exact) throws InterruptedException {
        ClockCallSharedCounts.ensureSite(firstSite);
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int site = firstSite;
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
        long counted = ClockCallRecorder.siteCounts(firstSite + 1)[firstSite];
        long expected = (long) threads * calls;
        System.out.printf(Locale.ROOT, "%s threads=%d stripes-shared=%b expected=%,d counted=%,d lost=%.3f%%%n",
                what, threads, stripesShared(workers), expected, counted, 100.0 * (expected - counted) / expected);
    }
}
