package io.vdsoagent.detect;

import java.util.Locale;

/**
 * The four detectors, in rank order: the first one that answers vdso or syscall decides. Deterministic
 * proof first, then CPU accounting, then timing, then the name hint. {@link #label()} is the name used in
 * configuration ({@code detectors=seccomp,rusage}), in the {@code detector} metric label and in reports.
 */
public enum DetectorId {
    SECCOMP,
    RUSAGE,
    LATENCY,
    CLOCKSOURCE;

    /** Made once: the prober compares labels several times per detector at every probe. */
    private final String label = name().toLowerCase(Locale.ROOT);

    /** seccomp, rusage, latency or clocksource. */
    public String label() {
        return label;
    }

    /** 0 for the highest rank. */
    public int rank() {
        return ordinal();
    }

    /** The detector with this label, or null. */
    public static DetectorId byLabel(String label) {
        for (DetectorId d : values()) {
            if (d.label().equals(label)) {
                return d;
            }
        }
        return null;
    }

    /** Rank of a detector; null (a custom detector) ranks last. */
    public static int rankOf(DetectorId id) {
        return id == null ? values().length : id.rank();
    }
}
