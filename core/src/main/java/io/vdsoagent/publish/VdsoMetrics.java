package io.vdsoagent.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ProbeId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Publishes a {@link ClockHealthMonitor}'s current snapshot as all the {@code vdso_*} metrics (names in
 * the README's metrics reference). Any application can bind it; the agent does too. It binds one small
 * binder per concern, each usable on its own: {@link VdsoImageMetrics}, {@link KernelInfoMetrics},
 * {@link ClocksourceMetrics}, {@link ClockVerdictMetrics}, {@link JvmClockPathMetrics},
 * {@link ClockConsistencyMetrics}, {@link KernelLogMetrics}, {@link ProbeHealthMetrics}
 * and {@link DegradedMetrics}.
 *
 * <p>Series whose labels change over time (symbols, clocksources, per-clock verdicts) are MultiGauges
 * whose row set is recomputed on every new snapshot, so stale series disappear and an unknown value has
 * no series at all rather than NaN. Values are read from the monitor's current snapshot at scrape time.
 */
public final class VdsoMetrics implements MeterBinder {

    /** Probe names that can fail, pre-registered so their error counters exist at 0. */
    static final List<String> PROBES = ProbeId.LABELS;

    static final String SECONDS = "seconds";

    private final List<MeterBinder> binders;

    private VdsoMetrics(Builder b) {
        this.binders = Arrays.<MeterBinder>asList(
                new VdsoImageMetrics(b.monitor, b.tags, b.exposeAddress),
                new KernelInfoMetrics(b.monitor, b.tags),
                new ProbeHealthMetrics(b.monitor, b.tags),
                new ClocksourceMetrics(b.monitor, b.tags),
                new ClockVerdictMetrics(b.monitor, b.tags),
                new JvmClockPathMetrics(b.monitor, b.tags),
                new ClockConsistencyMetrics(b.monitor, b.tags),
                new KernelLogMetrics(b.monitor, b.tags),
                new DegradedMetrics(b.monitor, b.tags));
    }

    public static Builder builder(ClockHealthMonitor monitor) {
        return new Builder(monitor);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (MeterBinder binder : binders) {
            binder.bindTo(registry);
        }
    }

    /** Configures {@link VdsoMetrics}. */
    public static final class Builder {
        private final ClockHealthMonitor monitor;
        private boolean exposeAddress;
        private Tags tags = Tags.empty();

        private Builder(ClockHealthMonitor monitor) {
            this.monitor = Objects.requireNonNull(monitor, "monitor");
        }

        /** Publish vdso_base_address (an ASLR secret); off by default. */
        public Builder exposeAddress(boolean exposeAddress) {
            this.exposeAddress = exposeAddress;
            return this;
        }

        /** Common tags added to every series. */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = Tags.of(tags);
            return this;
        }

        public VdsoMetrics build() {
            return new VdsoMetrics(this);
        }
    }
}
