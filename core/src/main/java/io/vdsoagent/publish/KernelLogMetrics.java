package io.vdsoagent.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.KernelClockEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel's own reason for a clock fallback or switch, from its log: {@code vdso_kernel_clock_events}
 * (lines per kind and subject) and {@code vdso_kernel_clock_event_last_seconds} (when the newest was
 * logged, in seconds since boot); no series while the log is unreadable.
 */
public final class KernelLogMetrics extends SnapshotBinder {

    public KernelLogMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public KernelLogMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        super(monitor, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauges.bound()
                .add(MultiGauge.builder("vdso.kernel.clock.events")
                        .tags(tags)
                        .description("Kernel log lines that explain a clock fallback or switch (kind: clocksource_unstable, clocksource_switch, xen_pvclock_no_vdso, arch_timer_workaround; subject: the clocksource or erratum); no series while the log is unreadable.")
                        .register(registry), h -> kernelEvents(h, false))
                .add(MultiGauge.builder("vdso.kernel.clock.event.last")
                        .tags(tags)
                        .description("Seconds since boot at which the kernel logged the newest line of this kind and subject.")
                        .baseUnit(VdsoMetrics.SECONDS)
                        .register(registry), h -> kernelEvents(h, true))
                .refresh(monitor.current());
    }

    /** One row per (kind, subject): how many such lines, or when the newest was logged; read at scrape time. */
    private List<MultiGauge.Row<?>> kernelEvents(ClockHealth h, final boolean lastSeconds) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (!h.kernelEvents().known()) {
            return rows;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (KernelClockEvent e : h.kernelEvents().get()) {
            final String kind = e.kind();
            final String subject = e.subject();
            if (seen.add(kind + "\u0000" + subject)) {
                rows.add(MultiGauge.Row.of(Tags.of("kind", kind, "subject", subject), () -> {
                    ClockHealth now = monitor.current();
                    if (!now.kernelEvents().known()) {
                        return Double.NaN;
                    }
                    double count = 0;
                    double last = Double.NaN;
                    for (KernelClockEvent x : now.kernelEvents().get()) {
                        if (x.kind().equals(kind) && x.subject().equals(subject)) {
                            count++;
                            last = x.bootSeconds();
                        }
                    }
                    return lastSeconds ? last : count;
                }));
            }
        }
        return rows;
    }
}
