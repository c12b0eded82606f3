package io.vdsoagent.bootstrap;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The running agent's clock health, shared with the application's own copy of core (the Spring Boot
 * auto-configuration, vdso-agent-spring-boot) so that one JVM probes once. The agent's core lives in
 * {@link AgentClassLoader} and the application has its own, so only JDK types cross: the health details
 * (core's {@code publish.HealthDetails}) and the JSON report. This class sits on the system class path,
 * where the JVM puts the agent jar; the application looks it up by name, and that name and these two
 * methods are a contract (the Spring Boot module's AgentIT calls them through a real agent).
 */
public final class ClockHealthHandOff {
    private static volatile Supplier<Map<String, Object>> details;
    private static volatile Supplier<String> report;

    private ClockHealthHandOff() {
    }

    /** Called once by the agent, after its first probe. */
    public static void publish(Supplier<Map<String, Object>> healthDetails, Supplier<String> jsonReport) {
        report = jsonReport;
        details = healthDetails;
    }

    /** The latest snapshot's health details, or null until the agent's first probe is done. */
    public static Supplier<Map<String, Object>> details() {
        return details;
    }

    /** The agent's {@code /report} JSON, or null until the agent's first probe is done. */
    public static Supplier<String> report() {
        return report;
    }
}
