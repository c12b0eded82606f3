package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vdsoagent.base.Probed;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ProbeId;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SnapshotGaugesTest {

    @Test
    void aGaugeWhoseRowsCannotBeComputedIsCountedAndTheOthersStillRefresh() {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc"));
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host), () -> Probed.unknown("test"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new SnapshotGauges(monitor).bound()
                .add(MultiGauge.builder("broken").register(registry), h -> {
                    throw new IllegalStateException("a bug in a row function");
                })
                .add(MultiGauge.builder("fine").register(registry), h -> SnapshotGauges.one(Tags.of("k", "v"), 7))
                .refresh(monitor.current());

        assertEquals(1, monitor.probeErrors(ProbeId.METRICS));
        assertEquals(7, registry.get("fine").tag("k", "v").gauge().value());

        new ProbeHealthMetrics(monitor).bindTo(registry);
        assertEquals(1, registry.get("vdso.probe.errors").tag("probe", "metrics").functionCounter().count());
    }
}
