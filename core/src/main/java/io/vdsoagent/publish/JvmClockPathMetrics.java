package io.vdsoagent.publish;

import static io.vdsoagent.publish.SnapshotGauges.live;
import static io.vdsoagent.publish.SnapshotGauges.none;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The JVM's own clock path: {@code vdso_jvm_clock_call_seconds} per method and
 * {@code vdso_jvm_clock_interposed{library}} (an LD_PRELOAD interposer, proven by where the JVM's clock
 * functions resolve); no series while unknown.
 */
public final class JvmClockPathMetrics extends SnapshotBinder {

    public JvmClockPathMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public JvmClockPathMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        super(monitor, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauges.bound()
                .add(MultiGauge.builder("vdso.jvm.clock.call")
                        .tags(tags)
                        .description("Per-call cost of the JVM's own clock methods, measured in a short loop.")
                        .baseUnit(VdsoMetrics.SECONDS)
                        .register(registry), this::jvmCalls)
                .add(MultiGauge.builder("vdso.jvm.clock.interposed")
                        .tags(tags)
                        .description("1 when the JVM's clock functions resolve to a library other than libc or the vDSO (an LD_PRELOAD interposer, named in the library label); no series while unknown.")
                        .register(registry), this::interposed)
                .refresh(monitor.current());
    }

    private List<MultiGauge.Row<?>> jvmCalls(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (final String method : h.jvmClockPath().methodNanos().keySet()) {
            rows.add(MultiGauge.Row.of(Tags.of("method", method), () -> {
                Double nanos = monitor.current().jvmClockPath().methodNanos().get(method);
                return nanos == null ? Double.NaN : nanos / 1e9;
            }));
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> interposed(ClockHealth h) {
        // library="" (no label) while nothing is interposed; the interposer's path when one is.
        return h.jvmClockPath().interposed().known() ? live(Tags.of("library", h.jvmClockPath().library()), () -> {
            JvmClockPath now = monitor.current().jvmClockPath();
            return now.interposed().known() ? (now.interposed().get() ? 1 : 0) : Double.NaN;
        }) : none();
    }
}
