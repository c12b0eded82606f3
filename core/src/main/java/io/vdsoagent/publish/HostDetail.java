package io.vdsoagent.publish;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How much of its kernel's detail a process publishes. Every JVM of a node sees the same kernel: with
 * a node-mode exporter publishing that detail once per node, the JVMs can leave it out ({@link #SUMMARY})
 * and keep only what answers for them or for the alerts: verdicts, clocksource, kernel identity,
 * interposition, degraded and their own clock calls.
 */
public enum HostDetail {
    /** Everything {@link VdsoMetrics} publishes. */
    FULL("full"),
    /** Without the {@link #PER_KERNEL_METERS}: identical on every process of one kernel. */
    SUMMARY("summary");

    /**
     * Micrometer names of the meters that are the kernel's, not the process's: the vDSO's symbol table,
     * the per-path call cost (the JVM's own clock cost stays), the kernel log's clock lines.
     */
    public static final List<String> PER_KERNEL_METERS = Collections.unmodifiableList(Arrays.asList(
            "vdso.symbol.info", "vdso.clock.call", "vdso.kernel.clock.events", "vdso.kernel.clock.event.last"));

    private final String label;

    HostDetail(String label) {
        this.label = label;
    }

    /** The configuration value and the {@code host_detail} label: {@code full}, {@code summary}. */
    public String label() {
        return label;
    }

    /** The value for {@code full} or {@code summary} (any case), or null. */
    public static HostDetail byLabel(String raw) {
        for (HostDetail d : values()) {
            if (d.label.equals(raw.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        return null;
    }

    /**
     * A filter for the registry the metrics are bound to (add it before binding): {@link #SUMMARY} denies
     * the per-kernel meters, so they are never registered; {@link #FULL} leaves every meter alone.
     */
    public MeterFilter meterFilter() {
        final boolean summary = this == SUMMARY;
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return summary && PER_KERNEL_METERS.contains(id.getName()) ? MeterFilterReply.DENY
                        : MeterFilterReply.NEUTRAL;
            }
        };
    }
}
