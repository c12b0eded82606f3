package io.vdsoagent.detect;

import java.util.Locale;

/**
 * The clock ids the detectors probe, with their Linux numbers (uapi/linux/time.h).
 * {@link #label()} is the Prometheus label value: lower case, no CLOCK_ prefix, no _ID suffix.
 */
public enum ClockId {
    REALTIME(0),
    MONOTONIC(1),
    PROCESS_CPUTIME_ID(2),
    THREAD_CPUTIME_ID(3),
    MONOTONIC_RAW(4),
    REALTIME_COARSE(5),
    MONOTONIC_COARSE(6),
    BOOTTIME(7),
    TAI(11);

    private final int linuxId;

    ClockId(int linuxId) {
        this.linuxId = linuxId;
    }

    public int linuxId() {
        return linuxId;
    }

    /** e.g. {@code monotonic}, {@code realtime_coarse}, {@code process_cputime}. */
    public String label() {
        String n = name().toLowerCase(Locale.ROOT);
        return n.endsWith("_id") ? n.substring(0, n.length() - 3) : n;
    }

    /** CPU-time clocks always make the syscall: a positive control on any host. */
    public boolean isCpuTime() {
        return this == PROCESS_CPUTIME_ID || this == THREAD_CPUTIME_ID;
    }

    /** Coarse clocks never read the counter, so they stay in the vDSO whatever the clocksource. */
    public boolean isCoarse() {
        return this == REALTIME_COARSE || this == MONOTONIC_COARSE;
    }

    public static ClockId fromLabel(String label) {
        for (ClockId c : values()) {
            if (c.label().equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown clock [" + label + "]");
    }
}
