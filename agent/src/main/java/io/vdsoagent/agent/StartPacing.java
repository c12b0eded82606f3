package io.vdsoagent.agent;

import io.vdsoagent.agent.config.StartDelay;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Lets the JVM start first. Called on the agent's own thread after the endpoint is bound (it answers
 * "starting") and before the heavy steps (registry, first probe and its proof JVM, instrumentation
 * metrics), which would otherwise compete with the application's start for the same cores.
 *
 * <p>{@code start-delay=auto}: every {@link #WINDOW_MILLIS} it reads the JVM's count of loaded classes, and
 * in a quiet window the process's listening TCP sockets ({@link ListeningSockets}). A window is quiet when it loaded at most
 * {@link #QUIET_CLASSES} classes: a JVM that is starting loads hundreds a window, even when a loaded host
 * starves it of CPU (so CPU time alone would read a starved start as a quiet one); once it is ready its
 * JIT may keep a core busy for seconds, but class loading stops. The start has settled after
 * <ul>
 * <li>{@link #QUIET_WINDOWS} quiet windows in a row once the application listens on a socket it did not
 *     when the wait began (a server's listener is bound at the end of its start), the listener count
 *     unchanged meanwhile;</li>
 * <li>{@link #LULL_WINDOWS} quiet windows in a row when a window loaded {@link #BUSY_CLASSES} classes or
 *     more (a large start) and nothing listens yet: such a start has lulls (a quorum's election, a
 *     broker's registration, a peer's answer) that are not its end;</li>
 * <li>{@link #QUIET_WINDOWS} quiet windows otherwise (a small main, a batch job).</li>
 * </ul>
 * Without a class count, a quiet window is one that used at most {@link #QUIET_SHARE} of one CPU
 * ({@code /proc/self/stat}, all threads). At most {@link StartDelay#AUTO_MAX_MILLIS}: an application that
 * never goes quiet still gets its verdicts. A fixed delay just waits.
 */
final class StartPacing {
    static final long WINDOW_MILLIS = 250;
    static final int QUIET_WINDOWS = 2;
    /** 2 s: a large start's lull (a timeout, a peer's answer) is shorter than this. */
    static final int LULL_WINDOWS = 8;
    /** A quiet window used at most this share of one CPU. */
    static final double QUIET_SHARE = 0.25;
    /** ... or loaded at most this many classes. */
    static final long QUIET_CLASSES = 10;
    /** A window that loaded this many classes is part of a large start. */
    static final long BUSY_CLASSES = 100;
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
    private final IntSupplier listeners;
    private final Pause pause;

    /**
     * @param loadedClasses the JVM's total of classes loaded so far, or -1 when unknown
     * @param listeners the process's listening TCP sockets, or -1 when unknown
     */
    StartPacing(StartDelay delay, LongSupplier processCpuNanos, LongSupplier loadedClasses, IntSupplier listeners,
            Pause pause) {
        this.delay = delay;
        this.processCpuNanos = processCpuNanos;
        this.loadedClasses = loadedClasses;
        this.listeners = listeners;
        this.pause = pause;
    }

    /**
     * The live process: /proc/self/stat, the class-loading bean (Headroom has loaded java.management),
     * /proc/self/net/tcp{,6} and /proc/self/fd, {@link Thread#sleep}.
     */
    static StartPacing of(StartDelay delay) {
        ListeningSockets sockets = ListeningSockets.ofThisProcess();
        return new StartPacing(delay, StartPacing::processCpuNanos, StartPacing::loadedClasses, sockets::count,
                Thread::sleep);
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
        // Ours (bound before this wait), a debugger's, another agent's: the application's come later.
        // Read first: the classes its first reading loads are not the application's.
        int before = listeners.getAsInt();
        int listening = before;
        long previousCpu = processCpuNanos.getAsLong();
        long classes = loadedClasses.getAsLong();
        if (previousCpu < 0 && classes < 0) {
            pause.sleep(BLIND_MILLIS);
            return "waited " + BLIND_MILLIS + " ms (neither process CPU time nor a class count to watch)";
        }
        long quietCpu = (long) (WINDOW_MILLIS * 1_000_000L * QUIET_SHARE);
        boolean largeStart = false;
        int quiet = 0;
        long waited = 0;
        while (waited < delay.maxMillis()) {
            pause.sleep(WINDOW_MILLIS);
            waited += WINDOW_MILLIS;
            long classesNow = loadedClasses.getAsLong();
            long cpuNow = processCpuNanos.getAsLong();
            boolean quietWindow;
            if (classes >= 0 && classesNow >= 0) {
                quietWindow = classesNow - classes <= QUIET_CLASSES;
                largeStart |= classesNow - classes >= BUSY_CLASSES;
            } else if (previousCpu >= 0 && cpuNow >= 0) {
                quietWindow = cpuNow - previousCpu <= quietCpu;
            } else {
                return "waited " + waited + " ms (neither process CPU time nor a class count to watch)";
            }
            classes = classesNow;
            previousCpu = cpuNow;
            // Read in quiet windows only: each read of /proc/net/tcp{,6} walks the kernel's whole
            // connection hash (4 ms of CPU per table on a 24 GiB host), too dear for every busy window.
            // A listener bound during a busy stretch shows as a change at the first quiet window.
            int listeningNow = quietWindow ? listeners.getAsInt() : listening;
            boolean newListener = listeningNow != listening;
            listening = listeningNow;
            quiet = quietWindow && !newListener ? quiet + 1 : 0;
            boolean serving = before >= 0 && listening > before;
            if (serving && quiet >= QUIET_WINDOWS) {
                return "waited " + waited + " ms: the application listens and its start settled";
            }
            if (!serving && quiet >= (largeStart ? LULL_WINDOWS : QUIET_WINDOWS)) {
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
