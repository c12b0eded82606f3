package io.vdsoagent.agent.instrument;

import io.vdsoagent.base.JsonStrings;

import java.util.List;
import java.util.Locale;

/** The top call sites as JSON (for /report) and as text (for the CLI). */
final class ClockCallReport {

    private ClockCallReport() {
    }

    static String json(ClockCallStats stats, int n) {
        StringBuilder out = new StringBuilder("[");
        List<ClockCallStats.Site> top = stats.top(n);
        for (int i = 0; i < top.size(); i++) {
            ClockCallStats.Site s = top.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"site\":");
            JsonStrings.quote(out, s.label);
            out.append(",\"method\":");
            JsonStrings.quote(out, s.method.label());
            out.append(",\"calls\":").append(s.calls).append('}');
        }
        return out.append(']').toString();
    }

    static String text(ClockCallStats stats, int n) {
        List<ClockCallStats.Site> top = stats.top(n);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Top clock call sites (%d of %d sites):%n",
                top.size(), stats.siteCount()));
        for (ClockCallStats.Site s : top) {
            out.append(String.format(Locale.ROOT, "  %,15d  %-18s %s%n", s.calls, s.method.label(), s.label));
        }
        if (top.isEmpty()) {
            out.append(String.format(Locale.ROOT, "  (no clock calls counted yet)%n"));
        }
        return out.toString();
    }
}
