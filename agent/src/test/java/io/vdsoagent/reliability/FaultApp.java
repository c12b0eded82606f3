package io.vdsoagent.reliability;

import java.io.File;
import java.lang.management.ManagementFactory;

/**
 * The "application" of the fault matrix: prints one known line on stdout and exits with a known
 * code, so a test can see that the agent changed neither. It reports on stderr how long after JVM
 * start its main was entered (the agent's premain runs before it), then waits until the agent's
 * start-up thread has finished (or {@code args[0]} ms at most) so the agent's log lines are in, and
 * stays alive {@code args[1]} ms more for tests that act on a running agent (or, given as
 * {@code until:<file>}, until the test creates that file), with {@code args[2]} threads reading
 * System.nanoTime in a loop meanwhile (a JVM under load).
 *
 * <p>JDK-only and Java 8, like any application the agent may meet.
 */
public final class FaultApp {
    public static final String STDOUT_LINE = "fault-app: hello from main";
    public static final int EXIT_CODE = 42;
    public static final String MAIN_ENTERED = "fault-app: main entered after ms=";
    public static final String BUSY_RUNNING = "fault-app: busy threads running";
    private static final String UNTIL = "until:";
    /** A test that forgets its stop file must not leave a JVM behind. */
    private static final long UNTIL_CAP_MILLIS = 180_000;
    /** The agent's start-up thread (bootstrap); it ends once the agent logged its ready line. */
    private static final String AGENT_STARTUP_THREAD = "vdso-agent";

    private FaultApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.err.println(MAIN_ENTERED + sinceStart);
        System.out.println(STDOUT_LINE);
        System.out.flush();
        long waitMax = args.length > 0 ? Long.parseLong(args[0]) : 30_000;
        String stay = args.length > 1 ? args[1] : "0";
        int busy = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        for (int i = 0; i < busy; i++) {
            Thread t = new Thread(FaultApp::spin, "fault-app-busy-" + i);
            t.setDaemon(true);
            t.start();
        }
        if (busy > 0) {
            System.err.println(BUSY_RUNNING);
        }
        long deadline = System.currentTimeMillis() + waitMax;
        while (System.currentTimeMillis() < deadline && startupThreadAlive()) {
            Thread.sleep(20);
        }
        if (stay.startsWith(UNTIL)) {
            File stop = new File(stay.substring(UNTIL.length()));
            long until = System.currentTimeMillis() + UNTIL_CAP_MILLIS;
            while (!stop.exists() && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
        } else {
            Thread.sleep(Long.parseLong(stay));
        }
        System.exit(EXIT_CODE);
    }

    /** Reads the clock as fast as it can; the volatile write keeps the JIT from removing the loop. */
    private static void spin() {
        while (true) {
            sink = System.nanoTime();
        }
    }

    private static volatile long sink;

    private static boolean startupThreadAlive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (AGENT_STARTUP_THREAD.equals(t.getName()) && t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
