package io.vdsoagent.bootstrap;

import java.util.Locale;

/**
 * With {@code start-delay=auto} (the default) the {@code vdso-agent} thread lets the JVM run
 * {@link #MILLIS} before it builds the agent's class loader, reads the configuration and binds the
 * endpoint: the first fraction of a second is the JVM's busiest (the JDK's own classes, the
 * application's main), and a short-lived main is done by then, so it pays only for premain. Any other
 * start-delay (a duration, 0 included) starts the agent at once: it applies its own delay. JDK only, found without parsing the
 * configuration: the argument, then {@code vdso.agent.start-delay}, then {@code VDSO_AGENT_START_DELAY}.
 */
final class LaunchGrace {
    static final long MILLIS = 250;
    private static final String KEY = "start-delay=";

    private LaunchGrace() {
    }

    /** How long to wait before launching; 0 when start-delay is set to anything but auto. Never throws. */
    static long millis(String agentArgs) {
        try {
            String value = null;
            if (agentArgs != null) {
                for (String pair : agentArgs.split(",")) {
                    if (pair.trim().startsWith(KEY)) {
                        value = pair.trim().substring(KEY.length());
                    }
                }
            }
            if (value == null) {
                value = System.getProperty("vdso.agent.start-delay", System.getenv("VDSO_AGENT_START_DELAY"));
            }
            // A duration (0 included) is applied by the agent itself; auto and a bad value (which the
            // agent reads as auto) wait here first.
            return value != null && value.trim().toLowerCase(Locale.ROOT).matches("\\d{1,9}\\s*(ms|s|m)?") ? 0 : MILLIS;
        } catch (Throwable t) {
            return MILLIS;
        }
    }
}
