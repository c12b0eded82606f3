package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DashboardTest {
    /** The BRIEF's metric-name contract: the agent publishes exactly these names. */
    private static final Set<String> CONTRACT = Set.of(
            "vdso_info", "vdso_base_address", "vdso_image_bytes", "vdso_symbol_info",
            "vdso_clocksource_current_info", "vdso_clocksource_available_info", "vdso_clocksource_changes_total",
            "vdso_clock_fallback", "vdso_clock_call_seconds", "vdso_jvm_clock_call_seconds",
            "vdso_jvm_clock_interposed", "vdso_vsyscall_mode_info", "vdso_aslr_mode",
            "vdso_probe_duration_seconds", "vdso_probe_errors_total",
            "jvm_clock_calls_total", "jvm_clock_call_seconds_sum", "jvm_clock_call_seconds_count",
            "jvm_clock_callsite_calls_total", "jvm_clock_cpu_seconds_total");
    private static final Pattern METRIC = Pattern.compile("\\b((?:vdso|jvm_clock)_[a-z_]+)\\b");

    @Test
    void currentSchemaAndADatasourceVariable() throws IOException {
        Dashboard dashboard = Dashboard.load();
        int schema = dashboard.json.path("schemaVersion").asInt();
        assertTrue(schema >= 39 && schema <= 41, "schemaVersion " + schema);
        assertFalse(dashboard.json.path("uid").asText().isEmpty());
        Set<String> variables = new HashSet<>();
        dashboard.json.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(Set.of("datasource", "namespace", "node", "pod"), variables);
    }

    @Test
    void everyPanelHasAQueryOnTheDatasourceVariable() throws IOException {
        List<JsonNode> panels = Dashboard.load().panels();
        assertTrue(panels.size() >= 15, "panels: " + panels.size());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id in " + title);
            assertTrue(panel.path("targets").size() >= 1, title + " has no target");
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title);
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), title + " has an empty expr");
                assertEquals("${datasource}", target.path("datasource").path("uid").asText(), title);
            }
        }
    }

    @Test
    void everyQueryUsesContractMetricsAndHonoursTheNodeNamespacePodFilters() throws IOException {
        Set<String> used = new HashSet<>();
        for (Dashboard.Query query : Dashboard.load().queries()) {
            Matcher metric = METRIC.matcher(query.expr());
            boolean any = false;
            while (metric.find()) {
                any = true;
                used.add(metric.group(1));
                assertTrue(CONTRACT.contains(metric.group(1)), query.panel() + ": not in the metric contract: " + metric.group(1));
            }
            assertTrue(any, query.panel() + " queries no vdso-agent metric");
            for (String variable : List.of("namespace=~\"$namespace\"", "node=~\"$node\"", "pod=~\"$pod\"")) {
                assertTrue(query.expr().contains(variable), query.panel() + " ignores " + variable);
            }
        }
        Set<String> unused = CONTRACT.stream().filter(m -> !used.contains(m)).collect(Collectors.toSet());
        assertEquals(Set.of(), unused, "contract metrics without a panel");
    }

    @Test
    void theVariablesReadTheLabelsThePodMonitorAdds() throws IOException {
        for (JsonNode variable : Dashboard.load().json.path("templating").path("list")) {
            String name = variable.path("name").asText();
            if (!name.equals("datasource")) {
                assertTrue(variable.path("definition").asText().endsWith(", " + name + ")"),
                        "variable " + name + " = label_values(..., " + name + ")");
                assertEquals(".*", variable.path("allValue").asText(), "All must also match series without the label");
            }
        }
    }
}
