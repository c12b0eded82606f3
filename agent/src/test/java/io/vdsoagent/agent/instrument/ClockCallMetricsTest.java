package io.vdsoagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clockapp.ClockCalls;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The names Prometheus really scrapes, from a real PrometheusMeterRegistry over instrumented calls. */
class ClockCallMetricsTest {

    private static ClockCallInstrumentation handle;

    @BeforeAll
    static void install() throws Exception {
        handle = InstrumentedJvm.handle();
    }

    @Test
    void scrapeShowsCallsLatencyCpuAndTopSitesUnderTheContractNames() {
        ClockCalls.nanoTime(20_000);
        ClockCalls.currentTimeMillis(3_000);
        handle.stats().expire();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        handle.metrics().bindTo(registry);
        String scrape = registry.scrape();

        assertTrue(scrape.contains("# TYPE jvm_clock_calls_total counter"), scrape);
        assertTrue(scrape.contains("# TYPE jvm_clock_call_seconds summary"), scrape);
        assertTrue(scrape.contains("# TYPE jvm_clock_cpu_seconds_total counter"), scrape);
        assertTrue(scrape.contains("# TYPE jvm_clock_callsite_calls_total counter"), scrape);
        assertTrue(value(scrape, "jvm_clock_calls_total{method=\"nanoTime\"}") >= 20_000, scrape);
        assertTrue(value(scrape, "jvm_clock_call_seconds_count{method=\"nanoTime\"}") >= 19, scrape);
        assertTrue(value(scrape, "jvm_clock_call_seconds_sum{method=\"nanoTime\"}") > 0, scrape);
        assertTrue(value(scrape, "jvm_clock_cpu_seconds_total{method=\"nanoTime\"}") > 0, scrape);
        for (ClockMethod m : ClockMethod.values()) {
            assertTrue(scrape.contains("jvm_clock_calls_total{method=\"" + m.label() + "\"}"), m.label());
        }
        Matcher site = Pattern.compile(
                "jvm_clock_callsite_calls_total\\{method=\"nanoTime\",site=\"clockapp\\.ClockCalls\\.nanoTime:(\\d+)\"} (\\S+)")
                .matcher(scrape);
        assertTrue(site.find(), scrape);
        assertTrue(Double.parseDouble(site.group(2)) >= 20_000);

        // Counters move by exactly the calls made in between.
        double before = value(scrape, "jvm_clock_calls_total{method=\"currentTimeMillis\"}");
        ClockCalls.currentTimeMillis(12_345);
        handle.stats().expire();
        double after = value(registry.scrape(), "jvm_clock_calls_total{method=\"currentTimeMillis\"}");
        assertEquals(12_345.0, after - before, 0.0);
    }

    @Test
    void topSitesReportListsSitesWithTheirCounts() {
        ClockCalls.instantNow(4_321);
        handle.stats().expire();
        String json = handle.topSitesJson(100);
        assertTrue(json.matches("\\[\\{\"site\":\".*\\}]"), json);
        assertTrue(json.contains("{\"site\":\"clockapp.ClockCalls.instantNow:"), json);
        String text = handle.topSitesText(5);
        assertTrue(text.startsWith("Top clock call sites ("), text);
        assertTrue(text.matches("(?s).*\\d+  Instant\\.now +clockapp\\.ClockCalls\\.instantNow:\\d+.*"), text);
    }

    @Test
    void aSiteThatOvertakesReplacesTheOldTopSiteAtTheNextScrape() {
        ClockCalls.nanoTime(10);
        handle.stats().expire();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClockCallMetrics(handle.stats(), 1, java.util.Collections.emptyList(), 0).bindTo(registry);
        String[] first = siteSeries(registry.scrape());
        assertEquals(1, first.length);
        String firstSite = first[0].substring(0, first[0].lastIndexOf(' '));
        long firstCalls = (long) Double.parseDouble(first[0].substring(first[0].lastIndexOf(' ') + 1));

        boolean millisWasTop = firstSite.contains("ClockCalls.currentTimeMillis:");
        int calls = (int) firstCalls + 1_000;
        if (millisWasTop) {
            ClockCalls.instantNow(calls);
        } else {
            ClockCalls.currentTimeMillis(calls);
        }
        handle.stats().expire();
        registry.scrape(); // this scrape re-ranks; the next one shows the new set
        handle.stats().expire();
        String[] second = siteSeries(registry.scrape());
        assertEquals(1, second.length, String.join("\n", second));
        assertTrue(second[0].contains(millisWasTop ? "ClockCalls.instantNow:" : "ClockCalls.currentTimeMillis:"),
                second[0] + " did not replace " + firstSite);
    }

    private static String[] siteSeries(String scrape) {
        java.util.List<String> lines = new java.util.ArrayList<String>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("jvm_clock_callsite_calls_total{")) {
                lines.add(line);
            }
        }
        return lines.toArray(new String[0]);
    }

    static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + scrape);
    }
}
