package io.vdsoagent.publish;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ProbeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The MultiGauges of one binder, in every registry it is bound to, each with how to compute its rows
 * from a snapshot. Rows are recomputed on every new snapshot, so stale series disappear and an unknown
 * value has no series at all rather than NaN. A failure to compute one gauge's rows leaves that gauge as
 * it was, never stops the others, and is counted as {@code vdso_probe_errors_total{probe="metrics"}}.
 */
final class SnapshotGauges {
    private final ClockHealthMonitor monitor;
    private final List<Bound> bound = new CopyOnWriteArrayList<>();

    SnapshotGauges(ClockHealthMonitor monitor) {
        this.monitor = monitor;
        monitor.addListener((before, after, clocksourceChanged) -> refresh(monitor.current()));
    }

    /** A new set of gauges, for one registry; call {@link Bound#refresh} once they are added. */
    Bound bound() {
        Bound b = new Bound();
        bound.add(b);
        return b;
    }

    private void refresh(ClockHealth h) {
        for (Bound b : bound) {
            b.refresh(h);
        }
    }

    /** A row whose value is read from the current snapshot at scrape time. */
    static List<MultiGauge.Row<?>> live(Tags tags, Supplier<Number> value) {
        return Collections.<MultiGauge.Row<?>>singletonList(MultiGauge.Row.of(tags, value));
    }

    static List<MultiGauge.Row<?>> one(Tags tags, Number value) {
        return Collections.<MultiGauge.Row<?>>singletonList(MultiGauge.Row.of(tags, value));
    }

    static List<MultiGauge.Row<?>> none() {
        return Collections.<MultiGauge.Row<?>>emptyList();
    }

    /** The MultiGauges of one registry and how to compute each one's rows from a snapshot. */
    final class Bound {
        private final List<MultiGauge> gauges = new ArrayList<>();
        private final List<Function<ClockHealth, List<MultiGauge.Row<?>>>> rows = new ArrayList<>();

        Bound add(MultiGauge gauge, Function<ClockHealth, List<MultiGauge.Row<?>>> rowsOf) {
            gauges.add(gauge);
            rows.add(rowsOf);
            return this;
        }

        synchronized void refresh(ClockHealth h) {
            for (int i = 0; i < gauges.size(); i++) {
                try {
                    // Rows absent from the new snapshot are removed; rows that stay keep their meter
                    // (no remove/re-add churn under a concurrent scrape) and read the current value.
                    gauges.get(i).register(rows.get(i).apply(h), false);
                } catch (Throwable t) {
                    // One metric's failure must not stop the others (nor a probe run): count it.
                    monitor.recordError(ProbeId.METRICS);
                }
            }
        }
    }
}
