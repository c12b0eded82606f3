package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelRuntime;
import io.vdsoagent.base.Probed;
import io.vdsoagent.testing.Fixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VdsoMetricsPrometheusTest {

    @Test
    void scrapeCarriesTheContractNames() {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc", "hpet", "acpi_pm"));
        Fixtures.ScriptedDetector seccomp = new Fixtures.ScriptedDetector("seccomp")
                .set(Verdict.VDSO, ClockId.MONOTONIC, ClockId.REALTIME)
                .set(Verdict.SYSCALL, ClockId.THREAD_CPUTIME_ID);
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host, seccomp),
                () -> Probed.of(new ClocksourceFacts("tsc", java.util.Collections.<String>emptyList())));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VdsoMetrics.builder(monitor).exposeAddress(true).build().bindTo(registry);
        String scrape = registry.scrape();
        for (String name : new String[] {"vdso_info{", "vdso_base_address ", "vdso_image_bytes ", "vdso_symbol_info{",
                "vdso_clocksource_current_info{", "vdso_clocksource_available_info{", "vdso_clocksource_changes_total ",
                "vdso_clock_fallback{", "vdso_clock_call_seconds{", "vdso_vsyscall_mode_info{", "vdso_aslr_mode ",
                "vdso_probe_duration_seconds ", "vdso_probe_errors_total{", "vdso_kernel_info{"}) {
            assertTrue(scrape.contains("\n" + name), name + " missing from\n" + scrape);
        }
        assertFalse(scrape.contains("clock=\"boottime\",detector"), "unknown clocks must have no fallback series");
    }

    /** The contract with the fleet rules: exactly these four labels, one series, unknown parts spelled "unknown". */
    @Test
    void kernelInfoIsOneSeriesWithTheFourLabels() {
        HostFacts base = Fixtures.host("tsc", "tsc");
        HostFacts gvisor = new HostFacts(Probed.of("4.4.0"), base.arch(), base.vdso(), base.clocksource(),
                base.vsyscall(), base.aslr(), Probed.<String>unknown("cannot read /proc/sys/kernel/random/boot_id"),
                Probed.of(KernelRuntime.GVISOR));
        HostFacts linux = new HostFacts(base.kernelRelease(), base.arch(), base.vdso(), base.clocksource(),
                base.vsyscall(), base.aslr(), Probed.of("3f1c2a4e-8b7d-4c21-9e55-0a6b7c8d9e10"),
                Probed.of(KernelRuntime.LINUX));
        AtomicReference<HostFacts> host = new AtomicReference<>(gvisor);
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host, new Fixtures.ScriptedDetector("seccomp")),
                () -> Probed.of(new ClocksourceFacts("tsc", java.util.Collections.<String>emptyList())));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new KernelInfoMetrics(monitor).bindTo(registry);
        assertEquals(Collections.singletonList(
                "vdso_kernel_info{arch=\"x86_64\",boot_id=\"unknown\",kernel_release=\"4.4.0\",runtime=\"gvisor\"} 1"),
                series(registry.scrape(), "vdso_kernel_info"));
        host.set(linux);
        monitor.reprobe();
        assertEquals(Collections.singletonList("vdso_kernel_info{arch=\"x86_64\","
                + "boot_id=\"3f1c2a4e-8b7d-4c21-9e55-0a6b7c8d9e10\",kernel_release=\"6.18.0-test\",runtime=\"linux\"} 1"),
                series(registry.scrape(), "vdso_kernel_info"), "a new snapshot replaces the series, never adds one");
    }

    /** A clock the kernel refuses has no fallback series (so no alert), unlike a real fallback. */
    @Test
    void anUnsupportedClockHasNoFallbackSeries() {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc"));
        Fixtures.ScriptedDetector seccomp = new Fixtures.ScriptedDetector("seccomp")
                .set(Verdict.SYSCALL, ClockId.values());
        ClockHealthMonitor monitor = new ClockHealthMonitor(io.vdsoagent.health.Prober.builder()
                .hostFacts(host::get)
                .detectorInstances(Collections.<io.vdsoagent.detect.Detector>singletonList(seccomp))
                .jvmClockPath(false)
                .clockSupport(() -> Probed.<java.util.Set<ClockId>>of(java.util.EnumSet.of(ClockId.TAI)))
                .build(),
                () -> Probed.of(new ClocksourceFacts("tsc", java.util.Collections.<String>emptyList())));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClockVerdictMetrics(monitor).bindTo(registry);
        List<String> fallback = series(registry.scrape(), "vdso_clock_fallback");
        assertEquals(8, fallback.size(), fallback.toString());
        assertFalse(registry.scrape().contains("clock=\"tai\""), registry.scrape());
        assertTrue(fallback.contains("vdso_clock_fallback{clock=\"monotonic\",detector=\"seccomp\"} 1.0"), fallback.toString());
    }

    private static List<String> series(String scrape, String name) {
        List<String> out = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                out.add(line);
            }
        }
        return out;
    }
}
