package io.vdsoagent.agent.log;

import java.util.Locale;
import org.slf4j.event.Level;

/** The agent-wide log threshold (config key {@code log-level}); {@code off} silences everything. */
public final class AgentLogLevel {
    private static volatile int threshold = Level.INFO.toInt();

    private AgentLogLevel() {
    }

    /** off, error, warn, info, debug or trace; anything else leaves the level unchanged. */
    public static void set(String level) {
        String name = level.toUpperCase(Locale.ROOT);
        if ("OFF".equals(name)) {
            threshold = Integer.MAX_VALUE;
            return;
        }
        for (Level candidate : Level.values()) {
            if (candidate.name().equals(name)) {
                threshold = candidate.toInt();
            }
        }
    }

    static boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }
}
