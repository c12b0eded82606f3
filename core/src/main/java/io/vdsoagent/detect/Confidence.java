package io.vdsoagent.detect;

import java.util.Locale;

/**
 * How far a finding can be trusted. Only the seccomp detector proves anything; rusage, latency and
 * clocksource are heuristics whose confidence says how clearly their measurement separated the cases.
 */
public enum Confidence {
    /** Observed directly (the syscall itself was seen or not). */
    PROOF,
    /** A heuristic whose measurement separated the cases by a wide margin. */
    HIGH,
    /** A heuristic inside its band, but not by a wide margin. */
    MEDIUM,
    /** A heuristic from a name or a table (the clocksource hint). */
    LOW,
    /** No verdict: the finding's detail says why. */
    NONE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
