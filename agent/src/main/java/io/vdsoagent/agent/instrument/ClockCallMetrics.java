package io.vdsoagent.agent.instrument;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The application's clock calls as metrics (Prometheus names):
 * <ul>
 * <li>{@code jvm_clock_calls_total{method}}: calls from rewritten call sites;</li>
 * <li>{@code jvm_clock_call_seconds{method}}: summary (count, sum) of the sampled calls' latency, one call
 * in sample-every per site and thread, so sum/count is the mean latency of a call;</li>
 * <li>{@code jvm_clock_cpu_seconds_total{method}}: estimated time spent in all calls (each sample's
 * latency times the calls it stands for), so {@code rate()} is the share of one CPU spent reading the clock;</li>
 * <li>{@code jvm_clock_callsite_calls_total{method,site}}: the top-N sites by calls only; the set is
 * re-evaluated at most once per {@link #TOP_SITES_REFRESH_NANOS} when a scrape reads the counters, and
 * sites that fall out are removed, so at most N such series exist at any time.</li>
 * </ul>
 */
public final class ClockCallMetrics implements MeterBinder {

    static final long TOP_SITES_REFRESH_NANOS = 1_000_000_000L;

    private final ClockCallStats stats;
    private final int topSites;
    private final Iterable<Tag> tags;
    private final long refreshNanos;

    ClockCallMetrics(ClockCallStats stats, int topSites, Iterable<Tag> tags) {
        this(stats, topSites, tags, TOP_SITES_REFRESH_NANOS);
    }

    // VisibleForTesting
    ClockCallMetrics(ClockCallStats stats, int topSites, Iterable<Tag> tags, long refreshNanos) {
        this.stats = stats;
        this.topSites = topSites;
        this.tags = tags;
        this.refreshNanos = refreshNanos;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        final TopSiteMeters topSiteMeters = new TopSiteMeters(registry);
        for (final ClockMethod method : ClockMethod.values()) {
            FunctionCounter.builder("jvm.clock.calls", stats, s -> {
                        if (method == ClockMethod.NANO_TIME) {
                            topSiteMeters.refreshIfDue(); // piggybacks on the scrape: no thread of our own
                        }
                        return s.calls(method);
                    })
                    .tags(tags)
                    .tag("method", method.label())
                    .description("Calls of a clock method from the application's rewritten call sites.")
                    .register(registry);
            FunctionTimer.builder("jvm.clock.call", stats, s -> s.samples(method), s -> s.sampledNanos(method),
                            TimeUnit.NANOSECONDS)
                    .tags(tags)
                    .tag("method", method.label())
                    .description("Latency of sampled clock calls (one call in sample-every per call site and thread).")
                    .register(registry);
            FunctionCounter.builder("jvm.clock.cpu", stats, s -> s.estimatedSeconds(method))
                    .tags(tags)
                    .tag("method", method.label())
                    .baseUnit("seconds")
                    .description("Estimated time spent in clock calls (sampled latency times calls); rate() is the CPU share.")
                    .register(registry);
        }
        topSiteMeters.refresh();
    }

    /** The per-site counters currently registered: the top N, replaced as the ranking changes. */
    private final class TopSiteMeters {
        private final MeterRegistry registry;
        private final Map<Integer, Meter> registered = new HashMap<Integer, Meter>();
        private long refreshedAt;

        TopSiteMeters(MeterRegistry registry) {
            this.registry = registry;
        }

        synchronized void refreshIfDue() {
            if (System.nanoTime() - refreshedAt >= refreshNanos) {
                refresh();
            }
        }

        synchronized void refresh() {
            refreshedAt = System.nanoTime();
            List<ClockCallStats.Site> top = stats.top(topSites);
            Set<Integer> wanted = new HashSet<Integer>();
            for (ClockCallStats.Site site : top) {
                wanted.add(site.id);
            }
            for (Map.Entry<Integer, Meter> e : new HashMap<Integer, Meter>(registered).entrySet()) {
                if (!wanted.contains(e.getKey())) {
                    registry.remove(e.getValue());
                    registered.remove(e.getKey());
                }
            }
            for (ClockCallStats.Site site : top) {
                if (!registered.containsKey(site.id)) {
                    final int id = site.id;
                    Meter meter = FunctionCounter.builder("jvm.clock.callsite.calls", stats, s -> s.siteCalls(id))
                            .tags(Tags.of(tags).and("method", site.method.label(), "site", site.label))
                            .description("Calls of a clock method from one call site (Class.method:line); top sites only.")
                            .register(registry);
                    registered.put(id, meter);
                }
            }
        }
    }
}
