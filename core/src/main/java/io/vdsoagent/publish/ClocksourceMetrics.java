package io.vdsoagent.publish;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.ClocksourceFacts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The kernel's clocksource: {@code vdso_clocksource_current_info}, {@code vdso_clocksource_available_info}
 * and {@code vdso_clocksource_changes_total} (switches seen while this process ran).
 */
public final class ClocksourceMetrics extends SnapshotBinder {

    public ClocksourceMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public ClocksourceMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        super(monitor, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("vdso.clocksource.changes", monitor, ClockHealthMonitor::clocksourceChanges)
                .tags(tags)
                .description("How many times the kernel's current clocksource changed while this process ran.")
                .register(registry);
        gauges.bound()
                .add(MultiGauge.builder("vdso.clocksource.current.info")
                        .tags(tags)
                        .description("The clocksource the kernel currently uses.")
                        .register(registry), h -> clocksources(h, true))
                .add(MultiGauge.builder("vdso.clocksource.available.info")
                        .tags(tags)
                        .description("The clocksources the kernel offers.")
                        .register(registry), h -> clocksources(h, false))
                .refresh(monitor.current());
    }

    private static List<MultiGauge.Row<?>> clocksources(ClockHealth h, boolean current) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (h.host().clocksource().known()) {
            ClocksourceFacts cs = h.host().clocksource().get();
            for (String name : current ? Collections.singletonList(cs.current()) : cs.available()) {
                rows.add(MultiGauge.Row.of(Tags.of("clocksource", name), 1));
            }
        }
        return rows;
    }
}
