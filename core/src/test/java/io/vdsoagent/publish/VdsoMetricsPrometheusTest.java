package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import io.vdsoagent.testing.Fixtures;
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
                "vdso_probe_duration_seconds ", "vdso_probe_errors_total{"}) {
            assertTrue(scrape.contains("\n" + name), name + " missing from\n" + scrape);
        }
        assertFalse(scrape.contains("clock=\"boottime\",detector"), "unknown clocks must have no fallback series");
    }
}
