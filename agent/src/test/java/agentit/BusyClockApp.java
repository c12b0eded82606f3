package agentit;

import java.time.Instant;

/**
 * Calls the JVM's clocks for N ms, so the clock-call instrumentation has sites to report. The calls sit
 * in their own method: a retransformed class only changes frames entered after the rewrite, and main's
 * loop is entered before the agent has installed the instrumentation.
 */
public final class BusyClockApp {
    private BusyClockApp() {
    }

    public static void main(String[] args) throws Exception {
        long end = System.currentTimeMillis() + Long.parseLong(args[0]);
        long sink = 0;
        while (System.currentTimeMillis() < end) {
            sink += tick();
            Thread.sleep(1);
        }
        System.out.println("done " + (sink != 42));
    }

    private static long tick() {
        return System.nanoTime() + Instant.now().getNano();
    }
}
