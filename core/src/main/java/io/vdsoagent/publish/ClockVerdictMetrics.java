package io.vdsoagent.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ClockStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-clock verdicts: {@code vdso_clock_fallback} (1 syscall, 0 vDSO, no series while unknown or for a
 * clock the kernel does not implement, labelled with the deciding detector) and {@code vdso_clock_call_seconds} (per-call cost by path).
 */
public final class ClockVerdictMetrics extends SnapshotBinder {

    public ClockVerdictMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public ClockVerdictMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        super(monitor, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauges.bound()
                .add(MultiGauge.builder("vdso.clock.fallback")
                        .tags(tags)
                        .description("1 when clock_gettime for this clock falls back to a syscall, 0 when the vDSO serves it; no series while unknown.")
                        .register(registry), this::fallback)
                .add(MultiGauge.builder("vdso.clock.call")
                        .tags(tags)
                        .description("Per-call cost of clock_gettime through libc (path vdso) and as a raw syscall (path syscall).")
                        .baseUnit(VdsoMetrics.SECONDS)
                        .register(registry), this::clockCalls)
                .refresh(monitor.current());
    }

    private List<MultiGauge.Row<?>> fallback(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ClockStatus s : h.clocks()) {
            if (s.verdict() == Verdict.VDSO || s.verdict() == Verdict.SYSCALL) { // unsupported: nothing falls back
                final ClockId clock = s.clock();
                final String detector = s.detector();
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label(), "detector", detector), () -> {
                    ClockStatus now = monitor.current().clock(clock);
                    if (now == null || !detector.equals(now.detector())) {
                        return Double.NaN; // only until the listener drops this row
                    }
                    return now.verdict() == Verdict.SYSCALL ? 1 : 0;
                }));
            }
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> clockCalls(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ClockStatus s : h.clocks()) {
            final ClockId clock = s.clock();
            if (!Double.isNaN(s.vdsoNanos())) {
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label(), "path", "vdso"), () -> {
                    ClockStatus now = monitor.current().clock(clock);
                    return now == null ? Double.NaN : now.vdsoNanos() / 1e9;
                }));
            }
            if (!Double.isNaN(s.syscallNanos())) {
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label(), "path", "syscall"), () -> {
                    ClockStatus now = monitor.current().clock(clock);
                    return now == null ? Double.NaN : now.syscallNanos() / 1e9;
                }));
            }
        }
        return rows;
    }
}
