package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vdsoagent.base.Probed;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.KernelLogReader;
import io.vdsoagent.source.SystemRoot;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The kernel log binder over a fixture host whose dev/kmsg holds the records a real kernel printed when its
 * watchdog marked tsc unstable: boot switches to tsc-early (0.308932 s) and tsc (1.389545 s), then the
 * watchdog line (86523.456789 s) and the switch to hpet (86523.457001 s). Unreadable log = no series.
 */
class KernelLogMetricsTest {

    @Test
    void oneSeriesPerKindAndSubjectWithTheNewestTimeAndNoneOnceTheLogIsUnreadable() throws Exception {
        final SystemRoot root = SystemRoot.at(Paths.get(getClass().getResource("/hosts/tsc-unstable").toURI()));
        final AtomicBoolean hidden = new AtomicBoolean();
        Prober prober = Prober.builder()
                .root(root)
                .detectors(Collections.singleton(DetectorId.CLOCKSOURCE))
                .jvmClockPath(false)
                .kernelLog(() -> hidden.get()
                        ? Probed.<List<KernelClockEvent>>unknown("open /dev/kmsg: EPERM")
                        : new KernelLogReader(root).read())
                .build();
        ClockHealthMonitor monitor = new ClockHealthMonitor(prober, new ClocksourceReader(root));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new KernelLogMetrics(monitor).bindTo(registry);

        assertEquals(set("clocksource_switch/hpet", "clocksource_switch/tsc", "clocksource_switch/tsc-early",
                "clocksource_unstable/tsc"), series(registry, "vdso.kernel.clock.events"));
        assertEquals(1, registry.get("vdso.kernel.clock.events").tags("kind", "clocksource_unstable", "subject", "tsc")
                .gauge().value());
        assertEquals(86523.456789, registry.get("vdso.kernel.clock.event.last")
                .tags("kind", "clocksource_unstable", "subject", "tsc").gauge().value(), 1e-6);
        assertEquals(86523.457001, registry.get("vdso.kernel.clock.event.last")
                .tags("kind", "clocksource_switch", "subject", "hpet").gauge().value(), 1e-6);
        assertEquals(0.308932, registry.get("vdso.kernel.clock.event.last")
                .tags("kind", "clocksource_switch", "subject", "tsc-early").gauge().value(), 1e-6);

        hidden.set(true);
        monitor.reprobe();
        assertNull(registry.find("vdso.kernel.clock.events").gauge());
        assertNull(registry.find("vdso.kernel.clock.event.last").gauge());
    }

    private static Set<String> series(SimpleMeterRegistry registry, String name) {
        Set<String> s = new TreeSet<>();
        for (Gauge g : registry.find(name).gauges()) {
            s.add(g.getId().getTag("kind") + "/" + g.getId().getTag("subject"));
        }
        return s;
    }

    private static Set<String> set(String... values) {
        Set<String> s = new TreeSet<>();
        Collections.addAll(s, values);
        return s;
    }
}
