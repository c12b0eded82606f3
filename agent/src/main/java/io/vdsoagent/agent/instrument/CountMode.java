package io.vdsoagent.agent.instrument;

import java.util.Locale;

/** Config key {@code count-mode}: how rewritten call sites count. */
public enum CountMode {
    /** Per-thread tables: every call counted exactly (the default). */
    EXACT("io/vdsoagent/bootstrap/clockcall/ClockCallRecorder"),
    /** A plain per-site counter striped by thread id: cheaper, may lose increments when threads of one stripe collide. */
    APPROXIMATE("io/vdsoagent/bootstrap/clockcall/ClockCallApproximateRecorder");

    private final String recorderInternalName;

    CountMode(String recorderInternalName) {
        this.recorderInternalName = recorderInternalName;
    }

    String recorderInternalName() {
        return recorderInternalName;
    }

    /** Parses {@code exact} or {@code approximate} (case-insensitive); null for anything else. */
    public static CountMode parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("exact")) {
            return EXACT;
        }
        if (v.equals("approximate")) {
            return APPROXIMATE;
        }
        return null;
    }
}
