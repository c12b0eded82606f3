package clockapp;

/**
 * Run with -javaagent:vdso-agent.jar (and another agent): waits until the clock call instrumentation is
 * live (it installs from a background thread), then makes an exact number of calls and prints how many
 * the recorder (system class loader, where -javaagent puts the agent jar) counted, read reflectively as
 * any application class could.
 * Prints {@code counted=<n> expected=<n> backwards=<n> otel=<true|false>}.
 */
public final class CoexistenceApp {

    private CoexistenceApp() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Class<?> recorder = Class.forName("io.vdsoagent.bootstrap.clockcall.ClockCallRecorder", true,
                ClassLoader.getSystemClassLoader());
        java.lang.reflect.Method siteCounts = recorder.getMethod("siteCounts", int.class);
        long deadline = System.currentTimeMillis() + 60_000;
        while (total(siteCounts) == 0) {
            ClockCalls.nanoTime(1);
            if (System.currentTimeMillis() > deadline) {
                System.out.println("instrumentation never became live");
                System.exit(2);
            }
            Thread.sleep(50);
        }
        long before = total(siteCounts);
        long backwards = ClockCalls.nanoTime(n);
        long counted = total(siteCounts) - before;
        boolean otel;
        try {
            Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
            otel = true;
        } catch (ClassNotFoundException e) {
            otel = false;
        }
        System.out.println("counted=" + counted + " expected=" + n + " backwards=" + backwards + " otel=" + otel);
    }

    private static long total(java.lang.reflect.Method siteCounts) throws Exception {
        long sum = 0;
        for (long c : (long[]) siteCounts.invoke(null, 70_000)) {
            sum += c;
        }
        return sum;
    }
}
