import java.lang.instrument.Instrumentation;

/**
 * A do-nothing java agent that records when its premain ran. Placed before and after the agent
 * under test (-javaagent:stamp.jar=A -javaagent:agent.jar -javaagent:stamp.jar=B), the span B - A
 * is that agent's premain as the JVM runs it (premains run in command-line order, on the main
 * thread, before main). The same pair with nothing between them gives the baseline span.
 * The signature takes the Instrumentation like the agents measured, so the JDK's reflective call
 * of that premain shape is already warm when the span starts (it is not the agent's cost).
 */
public final class Stamp {
    private Stamp() {
    }

    public static void premain(String label, Instrumentation inst) {
        System.setProperty("bench.stamp." + label, Long.toString(System.nanoTime()));
    }
}
