package agentit;

/**
 * For attach mode: main() runs a clock loop for the whole run (so its class has a running frame when
 * the agent attaches and must not be retransformed) and calls {@link Ticker#tick()} once per window (a
 * class with a clock call and no long-running frame, which attach mode should retransform). Prints
 * {@code window N calls/ms} lines, then {@code done}.
 */
public final class AttachTargetApp {
    private AttachTargetApp() {
    }

    public static void main(String[] args) {
        long windowNanos = Long.parseLong(args[0]) * 1_000_000L;
        int windows = Integer.parseInt(args[1]);
        long sink = Ticker.tick();
        int window = 0;
        long calls = 0;
        long windowStart = System.nanoTime();
        while (window < windows) {
            long now = System.nanoTime();
            sink += now & 1;
            calls++;
            if (now - windowStart >= windowNanos) {
                System.out.println("window " + window + " " + (calls * 1_000_000L / (now - windowStart)));
                sink += Ticker.tick();
                window++;
                calls = 0;
                windowStart = System.nanoTime();
            }
        }
        System.out.println("done " + (sink != 42));
        // Exit from inside main: its frame stays on the stack until the JVM halts. Returning instead would
        // let the agent's retry (correctly) retransform this class once the loop is gone, before the JVM
        // is down, and the test could not tell that from a retransformation while the loop ran.
        System.exit(0);
    }

    /** Not running when the agent attaches: retransformed then, and counted from then on. */
    public static final class Ticker {
        private Ticker() {
        }

        static long tick() {
            return System.currentTimeMillis();
        }
    }
}
