package io.vdsoagent.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.detect.ClockConsistency;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.JvmClockConsistency;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Whether each clock's fast path agrees with the kernel: {@code vdso_clock_consistent{clock}} (libc
 * clock_gettime between raw syscalls), {@code vdso_clock_offset_seconds{clock}}, and the same for the
 * JVM's own methods, {@code vdso_jvm_clock_consistent{method,library}} and
 * {@code vdso_jvm_clock_offset_seconds{method}}; no series while unknown.
 */
public final class ClockConsistencyMetrics extends SnapshotBinder {

    public ClockConsistencyMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public ClockConsistencyMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        super(monitor, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauges.bound()
                .add(MultiGauge.builder("vdso.clock.consistent")
                        .tags(tags)
                        .description("1 when libc clock_gettime's value lies between raw clock_gettime syscalls of the same clock (within its resolution; realtime/TAI within 1 ms), 0 when the fast path answers wrong time; no series while unknown.")
                        .register(registry), h -> clocks(h, c -> c.consistent().get() ? 1 : 0))
                .add(MultiGauge.builder("vdso.clock.offset")
                        .tags(tags)
                        .description("libc clock_gettime's value minus the middle of the raw syscalls' bracket (the deciding round of this probe).")
                        .baseUnit(VdsoMetrics.SECONDS)
                        .register(registry), h -> clocks(h, ClockConsistency::offsetSeconds))
                .add(MultiGauge.builder("vdso.jvm.clock.consistent")
                        .tags(tags)
                        .description("1 when the JVM's clock method agrees with the raw syscall (nanoTime: CLOCK_MONOTONIC, and neither backwards nor standing still; currentTimeMillis: CLOCK_REALTIME), 0 when not; library names an interposer found in front of libc; no series while unknown.")
                        .register(registry), h -> jvm(h, true))
                .add(MultiGauge.builder("vdso.jvm.clock.offset")
                        .tags(tags)
                        .description("The JVM clock method's value minus the middle of the raw syscalls' bracket.")
                        .baseUnit(VdsoMetrics.SECONDS)
                        .register(registry), h -> jvm(h, false))
                .refresh(monitor.current());
    }

    private List<MultiGauge.Row<?>> clocks(ClockHealth h, final ToDoubleFunction<ClockConsistency> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ClockConsistency c : h.consistency().clocks()) {
            if (c.consistent().known()) {
                final ClockId clock = c.clock();
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label()), () -> {
                    ClockConsistency now = clock(monitor.current(), clock);
                    return now == null ? Double.NaN : value.applyAsDouble(now); // NaN only until the row is dropped
                }));
            }
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> jvm(ClockHealth h, final boolean consistent) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (JvmClockConsistency c : h.consistency().jvm()) {
            if (c.consistent().known()) {
                final String method = c.method();
                final String library = c.library();
                Tags t = consistent ? Tags.of("method", method, "library", library) : Tags.of("method", method);
                rows.add(MultiGauge.Row.of(t, () -> {
                    JvmClockConsistency now = jvm(monitor.current(), method);
                    if (now == null || (consistent && !library.equals(now.library()))) {
                        return Double.NaN;
                    }
                    return consistent ? (now.consistent().get() ? 1 : 0) : now.offsetSeconds();
                }));
            }
        }
        return rows;
    }

    private static ClockConsistency clock(ClockHealth h, ClockId id) {
        for (ClockConsistency c : h.consistency().clocks()) {
            if (c.clock() == id && c.consistent().known()) {
                return c;
            }
        }
        return null;
    }

    private static JvmClockConsistency jvm(ClockHealth h, String method) {
        for (JvmClockConsistency c : h.consistency().jvm()) {
            if (c.method().equals(method) && c.consistent().known()) {
                return c;
            }
        }
        return null;
    }
}
