package io.vdsoagent.agent.instrument;

import java.util.Locale;

/** Config key {@code count-mode}: how the recorder counts the calls of rewritten call sites. */
public enum CountMode {
    /** Per-thread stripes and tables: every call counted exactly (the default). */
    EXACT,
    /** A plain per-site counter striped by thread id: cheaper, may lose increments when threads of one stripe collide. */
    APPROXIMATE;

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
