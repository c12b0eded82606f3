package io.vdsoagent.spring;

import java.util.Map;

/**
 * What the health contributor and the endpoint show: this JVM's own probe ({@link LocalClockHealth}) or,
 * with the {@code -javaagent} present, the agent's ({@link AgentClockHealth}), so one JVM probes once.
 */
public interface ClockHealthView {
    /** core's {@code HealthDetails} of the latest snapshot; null while no probe has finished. */
    Map<String, Object> details();

    /** The JSON report (as the agent's {@code /report}); null while no probe has finished. */
    String reportJson();

    /** Who probes, for the details: "application" or "agent". */
    String source();

    /** Why {@link #details()} is null. */
    String waitingFor();
}
