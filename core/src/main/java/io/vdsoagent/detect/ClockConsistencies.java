package io.vdsoagent.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One probe's consistency results: each clock's libc path and the JVM's own clock methods. */
public final class ClockConsistencies {
    private final List<ClockConsistency> clocks;
    private final List<JvmClockConsistency> jvm;
    private final String notRun;

    public ClockConsistencies(List<ClockConsistency> clocks, List<JvmClockConsistency> jvm) {
        this(clocks, jvm, null);
    }

    private ClockConsistencies(List<ClockConsistency> clocks, List<JvmClockConsistency> jvm, String notRun) {
        this.clocks = Collections.unmodifiableList(new ArrayList<>(clocks));
        this.jvm = Collections.unmodifiableList(new ArrayList<>(jvm));
        this.notRun = notRun;
    }

    /** Not run (disabled, no native access): every clock unknown for this reason. */
    public static ClockConsistencies notRun(String reason) {
        return new ClockConsistencies(Collections.<ClockConsistency>emptyList(),
                Collections.<JvmClockConsistency>emptyList(), reason);
    }

    /** Why the check did not run, or null when it did. */
    public String notRunReason() {
        return notRun;
    }

    public List<ClockConsistency> clocks() {
        return clocks;
    }

    public List<JvmClockConsistency> jvm() {
        return jvm;
    }

    /** The clocks whose libc path is known to disagree with the kernel. */
    public List<ClockConsistency> wrongClocks() {
        List<ClockConsistency> out = new ArrayList<>();
        for (ClockConsistency c : clocks) {
            if (c.wrong()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The JVM clock methods known to disagree with the kernel. */
    public List<JvmClockConsistency> wrongJvm() {
        List<JvmClockConsistency> out = new ArrayList<>();
        for (JvmClockConsistency c : jvm) {
            if (c.wrong()) {
                out.add(c);
            }
        }
        return out;
    }
}
