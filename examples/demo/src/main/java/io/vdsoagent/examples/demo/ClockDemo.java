package io.vdsoagent.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain Java 8 application that reads the clock at a steady rate from a few call sites until it
 * is stopped, so the agent has something to time:
 * {@code java -javaagent:agent/target/vdso-agent.jar -jar examples/demo/target/demo.jar}.
 */
public final class ClockDemo {
    private static final long REPORT_EVERY_MILLIS = 10_000;

    private final DemoOptions options;
    private final AtomicLong reads = new AtomicLong();
    // Keeps the JIT from discarding the reads: every value feeds into it.
    private final AtomicLong sink = new AtomicLong();
    private volatile boolean stopped;

    ClockDemo(DemoOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws InterruptedException {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, System.getProperties());
        } catch (IllegalArgumentException e) {
            System.err.println("clock-demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        new ClockDemo(options).run();
    }

    void run() throws InterruptedException {
        System.out.println(String.format(Locale.ROOT,
                "clock-demo: reading the clock %s/s from %d call sites on %d thread(s); %s",
                format(options.ratePerSecond), ClockCallSites.COUNT, options.threads,
                options.durationMillis == 0 ? "Ctrl-C to stop"
                        : "stopping after " + options.durationMillis + " ms"));
        List<Thread> workers = new ArrayList<Thread>();
        for (int i = 0; i < options.threads; i++) {
            Thread worker = new Thread(this::readSteadily, "clock-demo-" + i);
            worker.start();
            workers.add(worker);
        }
        long startMillis = System.currentTimeMillis();
        long lastReads = 0;
        long lastReportMillis = startMillis;
        while (true) {
            long now = System.currentTimeMillis();
            long untilEnd = options.durationMillis == 0 ? Long.MAX_VALUE
                    : startMillis + options.durationMillis - now;
            if (untilEnd <= 0) {
                break;
            }
            long untilReport = lastReportMillis + REPORT_EVERY_MILLIS - now;
            if (untilReport <= 0) {
                long total = reads.get();
                double perSecond = (total - lastReads) * 1000.0 / (now - lastReportMillis);
                System.out.println(String.format(Locale.ROOT,
                        "clock-demo: %d reads so far, %s/s in the last %d s",
                        total, format(perSecond), Math.round((now - lastReportMillis) / 1000.0)));
                lastReads = total;
                lastReportMillis = now;
                continue;
            }
            Thread.sleep(Math.min(untilReport, untilEnd));
        }
        stopped = true;
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("clock-demo: done, " + reads.get() + " reads");
    }

    private void readSteadily() {
        Pacer pacer = new Pacer(options.ratePerThread());
        long start = System.nanoTime();
        long local = 0;
        int site = 0;
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            long elapsed = System.nanoTime() - start;
            long due = pacer.takeDue(elapsed);
            for (long i = 0; i < due; i++) {
                local += ClockCallSites.read(site++);
                if (site == ClockCallSites.COUNT) {
                    site = 0;
                }
            }
            reads.addAndGet(due);
            sleepNanos(pacer.nanosUntilNext(System.nanoTime() - start));
        }
        sink.addAndGet(local);
    }

    private static void sleepNanos(long nanos) {
        // At least 1 ms: at high rates the reads come in batches instead of a busy loop.
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
        try {
            Thread.sleep(Math.min(millis, 200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String format(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate)
                : String.format(Locale.ROOT, "%.1f", rate);
    }
}
