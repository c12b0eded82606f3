package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VdsoMetricsTest {
    private final AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc", "hpet"));
    private final ScriptedDetector seccomp = new ScriptedDetector("seccomp");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ClockHealthMonitor monitor;

    @BeforeEach
    void bind() {
        seccomp.set(Verdict.VDSO, ClockId.MONOTONIC, ClockId.REALTIME).set(Verdict.SYSCALL, ClockId.THREAD_CPUTIME_ID);
        monitor = new ClockHealthMonitor(Fixtures.prober(host, seccomp), () -> host.get().clocksource());
        VdsoMetrics.builder(monitor)
                .tags(Collections.singletonList(Tag.of("app", "demo")))
                .build()
                .bindTo(registry);
    }

    @Test
    void publishesTheSnapshot() {
        assertEquals(1, registry.get("vdso.info").tags("soname", "linux-vdso.so.1", "arch", "x86_64",
                "kernel_release", "6.18.0-test", "build_id", "abc123", "app", "demo").gauge().value());
        assertEquals(8192, registry.get("vdso.image.bytes").gauge().value());
        assertEquals(2, registry.get("vdso.symbol.info").gauges().size());
        assertEquals(1, registry.get("vdso.clocksource.current.info").tag("clocksource", "tsc").gauge().value());
        assertEquals(set("hpet", "tsc"), tagValues("vdso.clocksource.available.info", "clocksource"));
        assertEquals(0, registry.get("vdso.clock.fallback").tags("clock", "monotonic", "detector", "seccomp").gauge().value());
        assertEquals(1, registry.get("vdso.clock.fallback").tags("clock", "thread_cputime").gauge().value());
        // Scripted per-call costs: 20 + linux id ns for the vDSO path, 300 + id for the syscall.
        assertEquals(21e-9, registry.get("vdso.clock.call").tags("clock", "monotonic", "path", "vdso").gauge().value(), 1e-15);
        assertEquals(301e-9, registry.get("vdso.clock.call").tags("clock", "monotonic", "path", "syscall").gauge().value(), 1e-15);
        assertEquals(1, registry.get("vdso.vsyscall.mode.info").tag("mode", "xonly").gauge().value());
        assertEquals(2, registry.get("vdso.aslr.mode").gauge().value());
        assertEquals(0, registry.get("vdso.clocksource.changes").functionCounter().count());
        assertEquals(0, registry.get("vdso.probe.errors").tag("probe", "seccomp").functionCounter().count());
        assertTrue(registry.get("vdso.probe.duration").gauge().value() > 0);
    }

    @Test
    void unknownMeansNoSeriesAndTheAddressStaysHiddenByDefault() {
        // Only three clocks were decided; the JVM path was not probed.
        assertEquals(set("monotonic", "realtime", "thread_cputime"), tagValues("vdso.clock.fallback", "clock"));
        assertNull(registry.find("vdso.jvm.clock.interposed").gauge());
        assertNull(registry.find("vdso.jvm.clock.call").gauge());
        assertNull(registry.find("vdso.base.address").gauge());
    }

    @Test
    void aReprobeReplacesChangedSeriesAndDropsStaleOnes() {
        host.set(Fixtures.host("hpet", "hpet", "acpi_pm"));
        seccomp.set(Verdict.SYSCALL, ClockId.MONOTONIC).set(Verdict.UNKNOWN, ClockId.REALTIME);
        assertTrue(monitor.pollClocksource());

        assertEquals(1, registry.get("vdso.clocksource.changes").functionCounter().count());
        assertEquals(set("hpet"), tagValues("vdso.clocksource.current.info", "clocksource"));
        assertEquals(set("acpi_pm", "hpet"), tagValues("vdso.clocksource.available.info", "clocksource"));
        assertEquals(1, registry.get("vdso.clock.fallback").tags("clock", "monotonic").gauge().value());
        assertEquals(set("monotonic", "thread_cputime"), tagValues("vdso.clock.fallback", "clock"));
    }

    @Test
    void exposeAddressPublishesTheBase() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        VdsoMetrics.builder(monitor).exposeAddress(true).tags(Tags.empty()).build().bindTo(r);
        assertEquals((double) 0x7ffd12345000L, r.get("vdso.base.address").gauge().value());
    }

    @Test
    void anUnknownVdsoLeavesItsSeriesOut() {
        HostFacts h = Fixtures.host("tsc", "tsc");
        host.set(new HostFacts(h.kernelRelease(), h.arch(), Probed.<io.vdsoagent.source.VdsoFacts>unknown("no maps"),
                h.clocksource(), h.vsyscall(), Probed.<Integer>unknown("no /proc/sys")));
        monitor.reprobe();
        assertNull(registry.find("vdso.aslr.mode").gauge());
        assertNull(registry.find("vdso.info").gauge());
        assertNull(registry.find("vdso.image.bytes").gauge());
        assertNull(registry.find("vdso.symbol.info").gauge());
        assertEquals(1, registry.get("vdso.probe.errors").tag("probe", "vdso").functionCounter().count());
    }

    private Set<String> tagValues(String name, String tag) {
        Set<String> values = new TreeSet<>();
        for (Gauge g : registry.find(name).gauges()) {
            values.add(g.getId().getTag(tag));
        }
        for (Meter m : registry.find(name).meters()) {
            values.add(m.getId().getTag(tag));
        }
        return values;
    }

    private static Set<String> set(String... values) {
        Set<String> s = new TreeSet<>();
        Collections.addAll(s, values);
        return s;
    }
}
