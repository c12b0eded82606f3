package io.vdsoagent.agent.http;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code ?name[]=X}: exactly the families named X. The Prometheus client's own equality filter is a
 * prefix test ({@code "vdso_clock_fallback".startsWith("vdso")}, and Micrometer's {@code vdso.info} gauge
 * is the info family {@code vdso}), so it also returned {@code vdso_info}. A family answers to the names a
 * scraper sees for it in the text or OpenMetrics exposition: its {@code # TYPE} name in either format and
 * the names of its samples (a counter {@code x} is {@code x} and {@code x_total}; an info {@code x} is
 * {@code x} and {@code x_info}; a summary or histogram also its {@code _count}, {@code _sum}, ...).
 */
final class FamilyNameFilter {
    private FamilyNameFilter() {
    }

    static MetricSnapshots only(MetricSnapshots snapshots, Collection<String> names) {
        List<MetricSnapshot> kept = new ArrayList<MetricSnapshot>();
        for (MetricSnapshot snapshot : snapshots) {
            if (named(snapshot, names)) {
                kept.add(snapshot);
            }
        }
        return new MetricSnapshots(kept);
    }

    static boolean named(MetricSnapshot snapshot, Collection<String> names) {
        String base = snapshot.getMetadata().getPrometheusName();
        for (String name : names) {
            if (name.equals(base) || (name.startsWith(base) && suffixes(snapshot).contains(name.substring(base.length())))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> suffixes(MetricSnapshot snapshot) {
        List<String> suffixes = new ArrayList<String>();
        if (snapshot instanceof CounterSnapshot) {
            suffixes.add("_total");
            suffixes.add("_created");
        } else if (snapshot instanceof InfoSnapshot) {
            suffixes.add("_info");
        } else if (snapshot instanceof SummarySnapshot || snapshot instanceof HistogramSnapshot) {
            suffixes.add("_count");
            suffixes.add("_sum");
            suffixes.add("_created");
            if (snapshot instanceof HistogramSnapshot) {
                suffixes.add("_bucket");
                suffixes.add("_gcount");
                suffixes.add("_gsum");
            }
        }
        return suffixes;
    }
}
