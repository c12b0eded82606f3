package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.SystemRoot;
import io.vdsoagent.testing.DebianTools;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live probe of this host, scraped by the real Prometheus text format and linted by promtool. */
class PrometheusScrapeE2E {

    @Test
    void promtoolFindsNoProblemsInALiveScrape(@TempDir Path tmp) throws Exception {
        String promtool = DebianTools.require("promtool", "prometheus");
        ClockHealthMonitor monitor = new ClockHealthMonitor(Prober.builder().build(),
                new ClocksourceReader(SystemRoot.live()));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VdsoMetrics.builder(monitor).exposeAddress(true).build().bindTo(registry);
        String scrape = registry.scrape();
        File file = tmp.resolve("scrape.txt").toFile();
        Files.write(file.toPath(), scrape.getBytes(StandardCharsets.UTF_8));

        DebianTools.Result lint = DebianTools.run(file, promtool, "check", "metrics");
        assertEquals(0, lint.exitCode, lint + "\n" + scrape);
        assertEquals("", lint.output.trim(), "promtool must print no problems\n" + scrape);

        for (String series : new String[] {"vdso_info{", "vdso_base_address ", "vdso_image_bytes ", "vdso_symbol_info{",
                "vdso_clocksource_current_info{", "vdso_clocksource_available_info{", "vdso_clocksource_changes_total ",
                "vdso_clock_fallback{", "vdso_clock_call_seconds{", "vdso_jvm_clock_call_seconds{",
                "vdso_jvm_clock_interposed{", "vdso_vsyscall_mode_info{", "vdso_aslr_mode ",
                "vdso_probe_duration_seconds ", "vdso_probe_errors_total{"}) {
            assertTrue(scrape.contains("\n" + series), series + " missing from the live scrape\n" + scrape);
        }
    }
}
