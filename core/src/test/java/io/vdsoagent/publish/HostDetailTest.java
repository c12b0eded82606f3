package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelLogReader;
import io.vdsoagent.source.SystemRoot;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code host-detail=summary} leaves out exactly the per-kernel meters, and each of them really exists. */
class HostDetailTest {

    @Test
    void summaryDropsOnlyThePerKernelMetersOfVdsoMetrics() {
        Set<String> full = names(bindVdsoMetrics(HostDetail.FULL));
        Set<String> summary = names(bindVdsoMetrics(HostDetail.SUMMARY));
        Set<String> dropped = new TreeSet<>(full);
        dropped.removeAll(summary);
        // The fixture has no kernel log: its two meters are checked on a host that has one, below.
        assertEquals(new TreeSet<>(java.util.Arrays.asList("vdso.clock.call", "vdso.symbol.info")), dropped);
        // (the fixture has no JVM clock path: interposition is kept by the same filter, it is not in the list)
        for (String kept : java.util.Arrays.asList("vdso.info", "vdso.clock.fallback", "vdso.clocksource.current.info",
                "vdso.agent.degraded", "vdso.vsyscall.mode.info", "vdso.aslr.mode")) {
            assertEquals(true, summary.contains(kept), kept + " must stay in summary: " + summary);
        }
    }

    @Test
    void summaryDropsTheKernelLogMetersOfAHostWithAKernelLog() throws Exception {
        assertEquals(set("vdso.kernel.clock.event.last", "vdso.kernel.clock.events"), names(bindKernelLog(HostDetail.FULL)));
        assertEquals(set(), names(bindKernelLog(HostDetail.SUMMARY)));
    }

    @Test
    void labelsParseInAnyCaseAndNothingElse() {
        assertSame(HostDetail.SUMMARY, HostDetail.byLabel("Summary"));
        assertSame(HostDetail.FULL, HostDetail.byLabel("full"));
        assertNull(HostDetail.byLabel("none"));
        assertNull(HostDetail.byLabel(""));
    }

    private static MeterRegistry bindVdsoMetrics(HostDetail detail) {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc", "hpet"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp");
        seccomp.set(Verdict.VDSO, ClockId.MONOTONIC, ClockId.REALTIME).set(Verdict.SYSCALL, ClockId.THREAD_CPUTIME_ID);
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host, seccomp), () -> host.get().clocksource());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(detail.meterFilter());
        VdsoMetrics.builder(monitor).build().bindTo(registry);
        return registry;
    }

    private MeterRegistry bindKernelLog(HostDetail detail) throws Exception {
        SystemRoot root = SystemRoot.at(Paths.get(getClass().getResource("/hosts/tsc-unstable").toURI()));
        Prober prober = Prober.builder()
                .root(root)
                .detectors(Collections.singleton(DetectorId.CLOCKSOURCE))
                .jvmClockPath(false)
                .kernelLog(() -> new KernelLogReader(root).read())
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(detail.meterFilter());
        new KernelLogMetrics(new ClockHealthMonitor(prober, new ClocksourceReader(root))).bindTo(registry);
        return registry;
    }

    private static Set<String> names(MeterRegistry registry) {
        Set<String> names = new TreeSet<>();
        for (Meter meter : registry.getMeters()) {
            names.add(meter.getId().getName());
        }
        return names;
    }

    private static Set<String> set(String... values) {
        Set<String> s = new TreeSet<>();
        Collections.addAll(s, values);
        return s;
    }
}
