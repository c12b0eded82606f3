package io.vdsoagent.testing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.publish.JsonReport;
import io.vdsoagent.publish.VdsoMetrics;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.SystemRoot;
import java.util.Collections;

/**
 * Run in a child JVM: one probe (clocksource hint + the JVM clock path), printed as grep-able lines:
 * where this JVM's clock functions resolve, the timing hint, the headline, the metric and the JSON.
 */
public final class ClockSymbolsMain {
    private ClockSymbolsMain() {
    }

    public static void main(String[] args) {
        Prober prober = Prober.builder().detectors(Collections.singleton(DetectorId.CLOCKSOURCE)).build();
        ClockHealthMonitor monitor = new ClockHealthMonitor(prober, new ClocksourceReader(SystemRoot.live()));
        ClockHealth h = monitor.current();
        JvmClockPath p = h.jvmClockPath();
        System.out.println("INTERPOSED " + p.interposed());
        System.out.println("LIBRARY " + p.library());
        System.out.println("RESOLVED " + p.symbols().resolvedTo());
        System.out.println("TIMINGHINT " + p.timingHint());
        System.out.println("DETAIL " + p.detail());
        System.out.println("HEADLINE " + h.headline());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VdsoMetrics.builder(monitor).build().bindTo(registry);
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith("vdso_jvm_clock_interposed")) {
                System.out.println("METRIC " + line);
            }
        }
        System.out.println("JSON " + JsonReport.toJson(h, false, Collections.<String, String>emptyMap()));
    }
}
