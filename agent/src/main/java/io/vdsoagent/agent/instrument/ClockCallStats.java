package io.vdsoagent.agent.instrument;

import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;
import io.vdsoagent.bootstrap.clockcall.ClockCallSamples;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the recorder's counts for metrics and reports. Summing all threads' tables takes a lock, so one
 * sum serves every meter read within {@link #MAX_AGE_NANOS} (a scrape reads ~30 values). Counts are
 * kept monotonic per site (never below what was reported before), so counters never go backwards.
 */
final class ClockCallStats {

    static final long MAX_AGE_NANOS = 200_000_000L;

    private final ClockCallSites sites;
    private long[] siteCounts = new long[0];
    private long[] methodCounts = new long[ClockMethod.count()];
    private ClockMethod[] methodsById = new ClockMethod[0];
    private long readAt;
    private boolean read;

    ClockCallStats(ClockCallSites sites) {
        this.sites = sites;
    }

    /** One call site's total. */
    static final class Site {
        final int id;
        final ClockMethod method;
        final String label;
        final long calls;

        Site(int id, ClockMethod method, String label, long calls) {
            this.id = id;
            this.method = method;
            this.label = label;
            this.calls = calls;
        }
    }

    private synchronized void refresh() {
        long now = System.nanoTime();
        if (read && now - readAt < MAX_AGE_NANOS) {
            return;
        }
        ClockMethod[] methods = sites.methodsById();
        long[] fresh = ClockCallRecorder.siteCounts(methods.length);
        long[] byMethod = new long[ClockMethod.count()];
        for (int id = 1; id < fresh.length; id++) {
            if (id < siteCounts.length && fresh[id] < siteCounts[id]) {
                fresh[id] = siteCounts[id];
            }
            if (methods[id] != null) {
                byMethod[methods[id].index()] += fresh[id];
            }
        }
        siteCounts = fresh;
        methodsById = methods;
        methodCounts = byMethod;
        readAt = now;
        read = true;
    }

    /** Makes the next read sum the recorder's tables again (tests, and readers that must not see a cached sum). */
    synchronized void expire() {
        read = false;
    }

    synchronized long calls(ClockMethod method) {
        refresh();
        return methodCounts[method.index()];
    }

    synchronized long siteCalls(int id) {
        refresh();
        return id < siteCounts.length ? siteCounts[id] : 0;
    }

    /** Sampled calls of a method (one in sample-every). */
    long samples(ClockMethod method) {
        return ClockCallSamples.samples(method.index());
    }

    double sampledNanos(ClockMethod method) {
        return ClockCallSamples.sampledNanos(method.index());
    }

    /** Estimated time spent in all calls of a method: every sample stands for sample-every calls. */
    double estimatedSeconds(ClockMethod method) {
        return ClockCallSamples.estimatedNanos(method.index()) / 1e9;
    }

    /** Mean sampled latency in nanoseconds, NaN before the first sample. */
    double meanNanos(ClockMethod method) {
        long n = samples(method);
        return n == 0 ? Double.NaN : sampledNanos(method) / n;
    }

    /** The {@code n} sites with the most calls (ties: lower id first), only sites with calls. */
    synchronized List<Site> top(int n) {
        refresh();
        List<Site> all = new ArrayList<Site>();
        for (int id = 1; id < siteCounts.length; id++) {
            if (siteCounts[id] > 0) {
                all.add(new Site(id, methodsById[id], sites.label(id), siteCounts[id]));
            }
        }
        Collections.sort(all, new Comparator<Site>() {
            @Override
            public int compare(Site a, Site b) {
                return a.calls != b.calls ? Long.compare(b.calls, a.calls) : Integer.compare(a.id, b.id);
            }
        });
        return all.size() > n ? new ArrayList<Site>(all.subList(0, n)) : all;
    }

    int siteCount() {
        return sites.size();
    }
}
