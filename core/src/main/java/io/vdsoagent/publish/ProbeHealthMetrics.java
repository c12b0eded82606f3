package io.vdsoagent.publish;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ProbeId;
import java.util.Collections;

/**
 * How probing itself fares: {@code vdso_probe_duration_seconds} (the last full run) and
 * {@code vdso_probe_errors_total}, one series per {@link ProbeId} label, present at 0 from the start.
 */
public final class ProbeHealthMetrics implements MeterBinder {
    private final ClockHealthMonitor monitor;
    private final Iterable<Tag> tags;

    public ProbeHealthMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public ProbeHealthMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        this.monitor = monitor;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("vdso.probe.duration", monitor, m -> m.current().probeWallNanos() / 1e9)
                .tags(tags)
                .description("Wall time of the last full probe run.")
                .baseUnit(VdsoMetrics.SECONDS)
                .strongReference(true)
                .register(registry);
        for (final String probe : ProbeId.LABELS) {
            FunctionCounter.builder("vdso.probe.errors", monitor, m -> m.probeErrors(probe))
                    .tags(tags)
                    .tag("probe", probe)
                    .description("Probe runs in which this probe failed and left its value unknown.")
                    .register(registry);
        }
    }
}
