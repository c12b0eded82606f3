package io.vdsoagent.examples.lab;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-clock part of {@code java -jar vdso-agent.jar report --json}: each clock's verdict, the
 * deciding detector, and every detector's own finding.
 */
record AgentReport(String clocksource, Map<LabClock, ClockResult> clocks) {

    record ClockResult(String verdict, String detector, Map<String, String> findings, Map<String, String> details) {
    }

    static AgentReport parse(String json) {
        Map<String, Object> root = MiniJson.object(MiniJson.parse(json));
        Map<LabClock, ClockResult> clocks = new EnumMap<>(LabClock.class);
        for (Object entry : MiniJson.array(root.get("clocks"))) {
            Map<String, Object> clock = MiniJson.object(entry);
            Map<String, String> findings = new LinkedHashMap<>();
            Map<String, String> details = new LinkedHashMap<>();
            Object findingList = clock.get("findings");
            for (Object f : findingList == null ? List.of() : MiniJson.array(findingList)) {
                Map<String, Object> finding = MiniJson.object(f);
                String detector = String.valueOf(finding.get("detector"));
                findings.put(detector, lower(finding.get("verdict")));
                details.put(detector, String.valueOf(finding.get("detail")));
            }
            clocks.put(LabClock.byName(String.valueOf(clock.get("clock"))), new ClockResult(
                    lower(clock.get("verdict")), (String) clock.get("detector"), findings, details));
        }
        return new AgentReport(clocksource(root), clocks);
    }

    private static String clocksource(Map<String, Object> root) {
        Object cs = root.get("clocksource");
        if (cs instanceof Map) {
            Object current = MiniJson.object(cs).get("current");
            return current == null ? null : String.valueOf(current);
        }
        return cs == null ? null : String.valueOf(cs);
    }

    private static String lower(Object value) {
        return value == null ? null : String.valueOf(value).toLowerCase(Locale.ROOT);
    }

    /** The JSON object printed by the CLI: from the first '{' line to the end, ignoring log lines before it. */
    static String extractJson(List<String> lines) {
        StringBuilder json = new StringBuilder();
        boolean started = false;
        for (String line : lines) {
            if (!started && line.startsWith("{")) {
                started = true;
            }
            if (started) {
                json.append(line).append('\n');
            }
        }
        return json.toString();
    }
}
