package agentit;

/**
 * The application under test: prints one known line, waits, exits with a known code.
 * Args: [sleepMillis | {@code stdin} [exitCode]]; {@code stdin} waits until the test closes the
 * child's stdin ({@code AgentJvm.release()}), so a test waits for a condition, never a fixed time.
 */
public final class SleepyApp {
    public static final String LINE = "hello from the app";

    private SleepyApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(LINE);
        String wait = args.length > 0 ? args[0] : "0";
        int code = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        if (wait.equals("stdin")) {
            while (System.in.read() >= 0) {
                // until EOF: the test is done with this JVM (or died itself)
            }
        } else {
            Thread.sleep(Long.parseLong(wait));
        }
        // Returning from main (not System.exit) proves the agent's threads never keep the JVM alive.
        if (code != 0) {
            System.exit(code);
        }
    }
}
