package io.vdsoagent.testing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.detect.ClockConsistency;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.JvmClockConsistency;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.publish.JsonReport;
import io.vdsoagent.publish.VdsoMetrics;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.SystemRoot;
import java.util.Collections;

/**
 * Run in a child JVM: {@code args[0]} probes (clocksource hint, JVM clock path, consistency check), one
 * grep-able line per probe naming every clock and JVM method found wrong, then the last probe's
 * consistency metrics, headline and JSON.
 */
public final class ConsistencyMain {
    private ConsistencyMain() {
    }

    public static void main(String[] args) {
        int probes = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Prober prober = Prober.builder().detectors(Collections.singleton(DetectorId.CLOCKSOURCE)).build();
        ClockHealthMonitor monitor = new ClockHealthMonitor(prober, new ClocksourceReader(SystemRoot.live()));
        ClockHealth h = monitor.current();
        for (int i = 0; i < probes; i++) {
            h = i == 0 ? h : prober.probe();
            StringBuilder wrong = new StringBuilder();
            int known = 0;
            for (ClockConsistency c : h.consistency().clocks()) {
                known += c.consistent().known() ? 1 : 0;
                if (c.wrong()) {
                    wrong.append(' ').append(c.clock().label()).append('=').append(c.offsetSeconds());
                }
            }
            for (JvmClockConsistency j : h.consistency().jvm()) {
                known += j.consistent().known() ? 1 : 0;
                if (j.wrong()) {
                    wrong.append(' ').append(j.method()).append('=').append(j.offsetSeconds());
                }
            }
            System.out.println("PROBE " + i + " known " + known + " wrong" + wrong);
            for (ClockConsistency c : h.consistency().clocks()) {
                if (c.wrong()) {
                    System.out.println("WRONGDETAIL " + i + " " + c.detail());
                }
            }
            for (JvmClockConsistency j : h.consistency().jvm()) {
                if (j.wrong()) {
                    System.out.println("WRONGDETAIL " + i + " " + j.method() + ": " + j.detail());
                }
            }
        }
        System.out.println("LIBRARY " + h.jvmClockPath().library());
        System.out.println("HEADLINE " + h.headline());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VdsoMetrics.builder(monitor).build().bindTo(registry);
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith("vdso_clock_consistent") || line.startsWith("vdso_clock_offset_seconds")
                    || line.startsWith("vdso_jvm_clock_consistent") || line.startsWith("vdso_jvm_clock_offset")) {
                System.out.println("METRIC " + line);
            }
        }
        System.out.println("JSON " + JsonReport.toJson(h, false, Collections.<String, String>emptyMap()));
    }
}
