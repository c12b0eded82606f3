package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
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
            "jvm_clock_callsite_calls_total", "jvm_clock_cpu_seconds_total", "vdso_agent_build_info", "vdso_agent_degraded",
            "vdso_kernel_info", "vdso_agent_mode_info",
            "vdso_clock_consistent", "vdso_clock_offset_seconds", "vdso_jvm_clock_consistent", "vdso_jvm_clock_offset_seconds");
    private static final Pattern METRIC = Pattern.compile("\\b((?:vdso|jvm_clock)_[a-z_]+)\\b");

    @Test
    void currentSchemaAndADatasourceVariable() throws IOException {
        Dashboard dashboard = Dashboard.load();
        int schema = dashboard.json.path("schemaVersion").asInt();
        assertTrue(schema >= 39 && schema <= 41, "schemaVersion " + schema);
        assertFalse(dashboard.json.path("uid").asText().isEmpty());
        Set<String> variables = new HashSet<>();
        dashboard.json.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(Set.of("datasource", "cluster", "namespace", "job", "instance", "node", "pod"), variables);
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
            for (String variable : List.of("cluster=~\"$cluster\"", "namespace=~\"$namespace\"", "job=~\"$job\"",
                    "instance=~\"$instance\"", "node=~\"$node\"", "pod=~\"$pod\"")) {
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
                assertTrue(variable.path("query").path("query").asText().endsWith(", " + name + ")"),
                        "variable " + name + " = label_values(..., " + name + ")");
                assertEquals(".*", variable.path("allValue").asText(), "All must also match series without the label");
            }
        }
    }

    /** The dashboard type-checks against Grafana's own schema (@grafana/schema, tsc --strict). */
    @Test
    void matchesGrafanasDashboardSchema() throws Exception {
        DebianTools.Result result = SchemaCheck.grafanaDashboard(Files.readString(Chart.file("files/dashboard.json")));
        assertEquals(0, result.exitCode, result.output);
    }

    @Test
    void theGrafanaSchemaCheckRejectsAnUnknownFieldAndABadEnumValue() throws Exception {
        String json = Files.readString(Chart.file("files/dashboard.json"));
        DebianTools.Result typo = SchemaCheck.grafanaDashboard(json.replaceFirst("\"gridPos\"", "\"gridPoss\""));
        assertTrue(typo.exitCode != 0 && typo.output.contains("gridPoss"), typo.output);
        DebianTools.Result mode = SchemaCheck.grafanaDashboard(json.replace("\"mode\": \"absolute\"", "\"mode\": \"absolut\""));
        assertTrue(mode.exitCode != 0 && mode.output.contains("absolut"), mode.output);
    }

    /**
     * The CPU-time clocks make a syscall on every host: the verdict panels show them as value 2,
     * "syscall (expected)", in the neutral text colour, and keep red SYSCALL for a real fallback.
     */
    @Test
    void cpuTimeClocksShowAsExpectedSyscallsInANeutralColour() throws IOException {
        int verdictPanels = 0;
        for (JsonNode panel : Dashboard.load().panels()) {
            String expr = panel.path("targets").path(0).path("expr").asText();
            if (!expr.contains("vdso_clock_fallback{") || expr.contains("count(") || expr.contains("vdso_kernel_info{")) {
                continue; // counts, and the fleet row's per-kernel views (realtime/monotonic, or agreement)
            }
            verdictPanels++;
            String title = panel.path("title").asText();
            assertTrue(expr.contains("vdso_clock_fallback{clock!~\"process_cputime|thread_cputime\""), title);
            assertTrue(expr.contains(" or 2 * max by ("), title);
            JsonNode options = panel.path("fieldConfig").path("defaults").path("mappings").path(0).path("options");
            assertEquals("syscall (expected)", options.path("2").path("text").asText(), title);
            assertEquals("text", options.path("2").path("color").asText(), title);
            assertEquals("red", options.path("1").path("color").asText(), title);
            assertEquals("SYSCALL", options.path("1").path("text").asText(), title);
        }
        assertEquals(2, verdictPanels, "the stat and the table of verdicts");
    }

    /** Outside Kubernetes there is no pod: per-JVM tables also keep cluster, namespace, job and instance apart. */
    @Test
    void perJvmBreakdownsGroupByClusterNamespaceJobInstance() throws IOException {
        for (Dashboard.Query query : Dashboard.load().queries()) {
            Matcher by = Pattern.compile("by \\(([^)]*\\bpod\\b[^)]*)\\)").matcher(query.expr());
            while (by.find()) {
                for (String label : List.of("cluster", "namespace", "job", "instance")) {
                    assertTrue(by.group(1).contains(label), query.panel() + ": by (" + by.group(1) + ") lacks " + label);
                }
            }
        }
    }

    /**
     * The fleet row: per kernel (joined with vdso_kernel_info on instance and job), the kernels in fallback
     * with their JVMs, clocksources, disagreements, and node mode next to the JVMs.
     */
    @Test
    void aFleetRowShowsOneVerdictPerKernel() throws IOException {
        List<JsonNode> fleet = new java.util.ArrayList<>();
        boolean inRow = false;
        for (JsonNode panel : Dashboard.load().json.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                inRow = panel.path("title").asText().startsWith("Fleet");
            } else if (inRow) {
                fleet.add(panel);
            }
        }
        assertEquals(List.of("Kernels in fallback and the JVMs on each", "Clocksources across the fleet (kernels)",
                "Processes by mode", "Verdicts per kernel and clock: do its processes agree?",
                "Node mode and JVM mode side by side"), fleet.stream().map(p -> p.path("title").asText()).toList());
        for (JsonNode panel : fleet) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertTrue(expr.contains("vdso_kernel_info{") || expr.contains("vdso_agent_mode_info{"),
                        panel.path("title").asText() + ": per kernel or per mode: " + expr);
                assertTrue(!expr.contains("vdso_kernel_info{") || expr.contains("on (instance, job)"),
                        panel.path("title").asText() + ": joined on the target: " + expr);
            }
        }
    }

    @Test
    void aBuildInfoRowShowsVersionsRevisionsAndJdks() throws IOException {
        JsonNode json = Dashboard.load().json;
        boolean row = false;
        for (JsonNode panel : json.path("panels")) {
            row |= panel.path("type").asText().equals("row") && panel.path("title").asText().equals("Agent build");
        }
        assertTrue(row, "an \"Agent build\" row");
        assertTrue(Dashboard.load().queries().stream().anyMatch(q ->
                q.expr().startsWith("count by (version, revision, jdk) (vdso_agent_build_info{")), "versions in the fleet");
    }
}
