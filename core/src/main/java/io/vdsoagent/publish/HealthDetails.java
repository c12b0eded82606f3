package io.vdsoagent.publish;

import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The verdicts as a tree of JDK values (maps, strings, booleans), for a health endpoint's details
 * (Spring Boot's {@code vdso} contributor) and for handing the agent's snapshot across class loaders:
 * both sides read the same keys because both use this class.
 */
public final class HealthDetails {
    /** Boolean: a clock other than the CPU-time ones falls back to a syscall. */
    public static final String FALLBACK = "fallback";

    private HealthDetails() {
    }

    public static Map<String, Object> of(ClockHealth health) {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put(FALLBACK, fallback(health));
        details.put("headline", health.headline());
        details.put("clocksource", health.host().clocksource().known()
                ? health.host().clocksource().get().current() : "unknown");
        Map<String, Object> clocks = new LinkedHashMap<String, Object>();
        for (ClockStatus s : health.clocks()) {
            Map<String, Object> clock = new LinkedHashMap<String, Object>();
            clock.put("verdict", s.verdict().label());
            if (s.detector() != null) {
                clock.put("decidedBy", s.detector());
            }
            if (s.verdict() == Verdict.SYSCALL && !s.clock().isCpuTime()) {
                clock.put("remediation", s.remediation());
            }
            clocks.put(s.clock().label(), Collections.unmodifiableMap(clock));
        }
        details.put("clocks", Collections.unmodifiableMap(clocks));
        if (health.jvmClockPath().interposed().known()) {
            details.put("jvmClockInterposed", health.jvmClockPath().interposed().get());
        }
        details.put("takenAt", health.takenAt().toString());
        return Collections.unmodifiableMap(details);
    }

    /** Whether a clock the JVM can read in the vDSO (all but the two CPU-time clocks) makes the syscall. */
    public static boolean fallback(ClockHealth health) {
        for (ClockStatus s : health.clocks()) {
            if (!s.clock().isCpuTime() && s.verdict() == Verdict.SYSCALL) {
                return true;
            }
        }
        return false;
    }
}
