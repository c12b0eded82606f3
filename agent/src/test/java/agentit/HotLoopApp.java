package agentit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A hot loop that runs in main() from before the agent's background start until the end: the shape of
 * an event loop or poller that reads the clock directly. Prints each {@code windowMillis} window as
 * {@code window N calls-per-wall-ms calls-per-cpu-ms}, then {@code done}. The second rate divides by the
 * loop thread's own CPU time, so other processes taking the CPU on a shared host do not lower it; a loop
 * left in the interpreter does. Used by
 * RunningLoopIT (a loop must keep its JIT-compiled speed when the agent installs) and by
 * examples/benchmarks/run-hot-loop.sh.
 */
public final class HotLoopApp {
    private HotLoopApp() {
    }

    public static void main(String[] args) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long windowNanos = Long.parseLong(args[0]) * 1_000_000L;
        int windows = Integer.parseInt(args[1]);
        long sink = 0;
        int window = 0;
        long windowStart = System.nanoTime();
        long calls = 0;
        long windowCpu = cpu.getCurrentThreadCpuTime();
        // One frame for the whole run: whatever happens to this class, this loop keeps running in it.
        while (window < windows) {
            long now = System.nanoTime();
            sink += now & 1;
            calls++;
            if (now - windowStart >= windowNanos) {
                long cpuNow = cpu.getCurrentThreadCpuTime();
                System.out.println("window " + window + " " + (calls * 1_000_000L / (now - windowStart)) + " "
                        + (calls * 1_000_000L / Math.max(1, cpuNow - windowCpu)));
                window++;
                calls = 0;
                windowCpu = cpu.getCurrentThreadCpuTime();
                windowStart = System.nanoTime();
            }
        }
        System.out.println("done " + (sink >= 0));
    }
}
