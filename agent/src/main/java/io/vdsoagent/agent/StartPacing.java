package io.vdsoagent.agent;

import io.vdsoagent.agent.config.StartDelay;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.function.LongSupplier;

/**
 * Lets the JVM start first. Called on the agent's own thread after the endpoint is bound (it answers
 * "starting") and before the heavy steps (registry, first probe and its proof JVM, instrumentation
 * metrics), which would otherwise compete with the application's start for the same cores.
 *
 * <p>{@code start-delay=auto}: the process's CPU time ({@code /proc/self/stat}, all threads) and the
 * JVM's count of loaded classes are sampled every {@link #WINDOW_MILLIS}; the start has settled once
 * {@link #QUIET_WINDOWS} windows in a row each used at most a quarter of one CPU or loaded at most
 * {@link #QUIET_CLASSES} classes (a JVM starting loads hundreds of classes a window and uses a whole core
 * or more; once it is ready, its JIT may keep a core busy for seconds, but class loading stops). At most
 * {@link StartDelay#AUTO_MAX_MILLIS}: an application that never goes quiet still gets its verdicts. A
 * fixed delay just waits.
 */
final class StartPacing {
    static final long WINDOW_MILLIS = 250;
    static final int QUIET_WINDOWS = 2;
    /** A quiet window used at most this share of one CPU. */
    static final double QUIET_SHARE = 0.25;
    /** ... or loaded at most this many classes. */
    static final long QUIET_CLASSES = 10;
    /** Without a readable CPU time {@code auto} cannot see the start settle: it waits this long. */
    static final long BLIND_MILLIS = 5_000;
    /** USER_HZ, the unit of /proc/[pid]/stat's times: 100 on every Linux ABI. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** The agent thread's sleep, replaced in tests. */
    interface Pause {
        void sleep(long millis) throws InterruptedException;
    }

    private final StartDelay delay;
    private final LongSupplier processCpuNanos;
    private final LongSupplier loadedClasses;
    private final Pause pause;

    /** @param loadedClasses the JVM's total of classes loaded so far, or -1 when unknown */
    StartPacing(StartDelay delay, LongSupplier processCpuNanos, LongSupplier loadedClasses, Pause pause) {
        this.delay = delay;
        this.processCpuNanos = processCpuNanos;
        this.loadedClasses = loadedClasses;
        this.pause = pause;
    }

    /** The live process: /proc/self/stat, the class-loading bean (Headroom has loaded java.management), {@link Thread#sleep}. */
    static StartPacing of(StartDelay delay) {
        return new StartPacing(delay, StartPacing::processCpuNanos, StartPacing::loadedClasses, Thread::sleep);
    }

    private static long loadedClasses() {
        try {
            return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /**
     * Blocks until the agent may start its heavy steps; returns what it waited for (the debug line).
     * An interrupt ends the wait (the flag is kept).
     */
    String await() {
        try {
            if (!delay.auto()) {
                if (delay.maxMillis() > 0) {
                    pause.sleep(delay.maxMillis());
                }
                return "waited " + delay.maxMillis() + " ms (start-delay)";
            }
            return settle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "wait interrupted";
        }
    }

    private String settle() throws InterruptedException {
        long previous = processCpuNanos.getAsLong();
        if (previous < 0) {
            pause.sleep(BLIND_MILLIS);
            return "waited " + BLIND_MILLIS + " ms (no process CPU time to watch)";
        }
        long quietBudget = (long) (WINDOW_MILLIS * 1_000_000L * QUIET_SHARE);
        long classes = loadedClasses.getAsLong();
        int quiet = 0;
        long waited = 0;
        while (waited < delay.maxMillis()) {
            pause.sleep(WINDOW_MILLIS);
            waited += WINDOW_MILLIS;
            long now = processCpuNanos.getAsLong();
            if (now < 0) {
                return "waited " + waited + " ms (process CPU time no longer readable)";
            }
            long classesNow = loadedClasses.getAsLong();
            boolean loadingStopped = classes >= 0 && classesNow >= 0 && classesNow - classes <= QUIET_CLASSES;
            quiet = now - previous <= quietBudget || loadingStopped ? quiet + 1 : 0;
            previous = now;
            classes = classesNow;
            if (quiet >= QUIET_WINDOWS) {
                return "waited " + waited + " ms for the JVM's start to settle";
            }
        }
        return "waited " + waited + " ms, the most start-delay=auto waits (the process stayed busy)";
    }

    /** utime + stime of the whole process, or -1. */
    static long processCpuNanos() {
        try {
            String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.US_ASCII);
            return cpuNanos(stat);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Fields 14 and 15 of a stat line (counted after the command, which may hold spaces and parentheses). */
    static long cpuNanos(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] f = stat.substring(close + 2).trim().split(" ");
        if (f.length < 13) {
            return -1;
        }
        // f[0] is field 3 (state): utime is field 14, stime field 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
    }
}
