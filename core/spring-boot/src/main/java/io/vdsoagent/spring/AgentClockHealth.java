package io.vdsoagent.spring;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code -javaagent}'s snapshot, read through the agent's hand-off class
 * ({@code io.vdsoagent.bootstrap.ClockHealthHandOff}, JDK types only). The agent's core lives in its own
 * class loader, so its objects cannot be ours; the hand-off sits on the system class path, where the JVM
 * puts the agent jar.
 */
final class AgentClockHealth implements ClockHealthView {
    /** Set by the agent's premain/agentmain, before the application's main runs. */
    static final String LOADED_PROPERTY = "io.vdsoagent.loaded";
    static final String HAND_OFF = "io.vdsoagent.bootstrap.ClockHealthHandOff";

    private final Method details;
    private final Method report;
    private final String missing;

    private AgentClockHealth(Method details, Method report, String missing) {
        this.details = details;
        this.report = report;
        this.missing = missing;
    }

    /** Whether a vdso-agent was loaded into this JVM (it then owns probing, even while it starts). */
    static boolean agentLoaded() {
        return System.getProperty(LOADED_PROPERTY) != null;
    }

    /**
     * The agent's hand-off. An agent without one (an older version) leaves this view empty, saying why:
     * the application still starts, and still does not probe a second time.
     */
    static AgentClockHealth find() {
        try {
            Class<?> handOff = Class.forName(HAND_OFF, true, ClassLoader.getSystemClassLoader());
            return new AgentClockHealth(handOff.getMethod("details"), handOff.getMethod("report"), null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new AgentClockHealth(null, null, "the loaded vdso-agent shares no snapshot (" + e
                    + "): use an agent of this version");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> details() {
        Supplier<Map<String, Object>> s = (Supplier<Map<String, Object>>) call(details);
        return s == null ? null : s.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public String reportJson() {
        Supplier<String> s = (Supplier<String>) call(report);
        return s == null ? null : s.get();
    }

    @Override
    public String source() {
        return "agent";
    }

    @Override
    public String waitingFor() {
        return missing != null ? missing
                : "the agent's first probe (it is starting, or stood down: see its stderr line)";
    }

    private static Object call(Method m) {
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(m + ": " + e, e);
        }
    }
}
