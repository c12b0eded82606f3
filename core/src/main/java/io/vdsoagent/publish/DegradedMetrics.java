package io.vdsoagent.publish;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.health.ProbeId;

/**
 * {@code vdso_agent_degraded{reason="native_unavailable"}}: 1 while the latest probe had no native
 * access, so every verdict is the clocksource name's guess; 0 otherwise. The series always exists, so
 * an alert can say "degraded" and a dashboard can tell "healthy" from "not scraped". The metric name
 * and the reason label are a contract (the {@code VdsoAgentDegraded} alert reads them).
 */
public final class DegradedMetrics implements MeterBinder {
    public static final String NATIVE_UNAVAILABLE = "native_unavailable";

    private final ClockHealthMonitor monitor;
    private final Iterable<Tag> tags;

    public DegradedMetrics(ClockHealthMonitor monitor) {
        this(monitor, Tags.empty());
    }

    public DegradedMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        this.monitor = monitor;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("vdso.agent.degraded", monitor, m -> nativeUnavailable(m.current()) ? 1 : 0)
                .tags(tags)
                .tag("reason", NATIVE_UNAVAILABLE)
                .description("1 while the agent has no native access: verdicts are clocksource-name guesses.")
                .strongReference(true)
                .register(registry);
    }

    /** Whether the probe that made this snapshot needed native access and had none. */
    public static boolean nativeUnavailable(ClockHealth health) {
        return health.probeErrors().containsKey(ProbeId.NATIVE);
    }

    /**
     * For one clock: null when its verdict did not suffer, else why it is a guess (or unknown), quoting
     * the native failure a detector reported.
     */
    public static String forClock(ClockStatus status) {
        if (status.verdict() != Verdict.UNKNOWN && !DetectorId.CLOCKSOURCE.label().equals(status.detector())) {
            return null;
        }
        for (Finding f : status.findings()) {
            if (f.cause() == Finding.Cause.NATIVE_UNAVAILABLE) {
                String what = status.verdict() == Verdict.UNKNOWN ? "verdict unknown" : "verdict is a clocksource-name guess";
                return what + ": " + f.detail();
            }
        }
        return null;
    }
}
