package agentit;

/**
 * The application under test: prints one known line, optionally sleeps, exits with a known code.
 * Args: [sleepMillis [exitCode]].
 */
public final class SleepyApp {
    public static final String LINE = "hello from the app";

    private SleepyApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(LINE);
        long sleep = args.length > 0 ? Long.parseLong(args[0]) : 0;
        int code = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Thread.sleep(sleep);
        // Returning from main (not System.exit) proves the agent's threads never keep the JVM alive.
        if (code != 0) {
            System.exit(code);
        }
    }
}
