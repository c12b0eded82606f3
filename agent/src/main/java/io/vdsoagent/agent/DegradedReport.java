package io.vdsoagent.agent;

import io.vdsoagent.detect.Finding;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.source.HostFact;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one start-up line that names what did not work (a /proc file, native access, a refused
 * detector), so an operator reading the log of an odd container learns why a field is missing
 * without scraping /report. Null when nothing is degraded: a healthy host logs only the ready line.
 */
final class DegradedReport {
    /** A reason can quote a file; keep the whole line readable. */
    private static final int MAX_REASON = 120;
    /** The native reason names the places tried and the fix: allowed longer. */
    private static final int MAX_NATIVE_REASON = 400;
    static final String NATIVE_KEY = "verdicts are clocksource-name guesses, not proof";

    private DegradedReport() {
    }

    /** @param nativeAccess the binding the probes used */
    static String line(ClockHealth health, Probed<NativeAccess> nativeAccess) {
        Map<String, String> problems = new LinkedHashMap<String, String>();
        String nativeProblem = nativeAccess.known() ? null : NativeAccessLoader.unavailable(nativeAccess.reason());
        if (nativeProblem != null) {
            // First: it is the one that turns every verdict into the clocksource name's guess.
            problems.put(NATIVE_KEY, nativeProblem);
        }
        HostFacts host = health.host();
        for (HostFact fact : HostFact.values()) {
            if (host.kernel().sandboxed() && (fact == HostFact.CLOCKSOURCE || fact == HostFact.ASLR)) {
                // A sandbox's kernel (gVisor) has no clocksource sysfs and no /proc/sys: nothing is broken,
                // the verdicts do not depend on them, and /report keeps the reason. Not worth a log line.
                continue;
            }
            unknown(problems, fact.title(), fact.of(host));
        }
        for (ClockStatus status : health.clocks()) {
            for (Finding f : status.findings()) {
                if (f.error() && !problems.containsKey(f.detector() + " detector failed")) {
                    problems.put(f.detector() + " detector failed", f.detail());
                }
            }
        }
        if (problems.isEmpty()) {
            return null;
        }
        StringBuilder line = new StringBuilder("degraded: ");
        String separator = "";
        for (Map.Entry<String, String> p : problems.entrySet()) {
            line.append(separator).append(p.getKey()).append(" (")
                    .append(shorten(p.getValue(), NATIVE_KEY.equals(p.getKey()) ? MAX_NATIVE_REASON : MAX_REASON)).append(')');
            separator = "; ";
        }
        return line.toString();
    }

    private static void unknown(Map<String, String> problems, String what, Probed<?> value) {
        if (!value.known()) {
            problems.put(what + " unknown", value.reason());
        }
    }

    private static String shorten(String reason, int max) {
        String oneLine = reason.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
    }
}
