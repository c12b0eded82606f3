package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole monitoring path with real parts: two demo JVMs run with the agent (one with
 * host-detail=summary) next to a node-mode process ({@code java -jar vdso-agent.jar serve}), a real
 * Prometheus (Debian package) scrapes the three every second and evaluates files/alerts.yaml, and every
 * dashboard panel's query, the fleet row's per-kernel views included, must return data through
 * Prometheus' HTTP API.
 */
class PrometheusScrapeE2E {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The labels the chart's PodMonitor relabelings add in Kubernetes; a static config adds them here. */
    private static final Map<String, String> POD_LABELS = Map.of("namespace", "e2e", "pod", "clock-demo-0", "node", "e2e-node");
    private static final Map<String, String> SUMMARY_POD_LABELS = Map.of("namespace", "e2e", "pod", "clock-demo-1", "node", "e2e-node");
    private static final Map<String, String> NODE_POD_LABELS = Map.of("namespace", "e2e", "pod", "vdso-agent-node-0", "node", "e2e-node");

    private static final int DEMO_RATE = 2000;

    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path temp;

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyDashboardQueryReturnsDataAndEveryAlertEvaluates() throws Exception {
        String prometheus = DebianTools.require("prometheus", "prometheus");
        String promtool = DebianTools.require("promtool", "prometheus");
        Path repo = Chart.dir().getParent().getParent();
        // -De2e.agent.jar=... runs the check against another build of the agent (e.g. a release).
        Path agentJar = requireBuilt(Path.of(System.getProperty("e2e.agent.jar",
                repo.resolve("agent/target/vdso-agent.jar").toString())));
        Path demoJar = requireBuilt(repo.resolve("examples/demo/target/demo.jar"));

        int agentPort = freePort();
        start(List.of(javaBin(), "-javaagent:" + agentJar + "=host=127.0.0.1,port=" + agentPort
                        + ",expose-address=true,interval=5s",
                "-jar", demoJar.toString(), "--rate=" + DEMO_RATE, "--threads=2"), temp.resolve("demo.log"));
        String scrape = waitFor("the agent's /metrics with vdso_info", Duration.ofSeconds(60), () -> {
            String body = get("http://127.0.0.1:" + agentPort + "/metrics");
            return body != null && body.contains("vdso_info{") ? body : null;
        });
        assertPromtoolCheckMetricsIsClean(promtool, scrape);
        // a second JVM of the same node that leaves the kernel's detail to node mode, and node mode itself
        int summaryPort = freePort();
        start(List.of(javaBin(), "-javaagent:" + agentJar + "=host=127.0.0.1,port=" + summaryPort
                        + ",interval=5s,host-detail=summary",
                "-jar", demoJar.toString(), "--rate=200", "--threads=1"), temp.resolve("demo-summary.log"));
        int nodePort = freePort();
        start(List.of(javaBin(), "-jar", agentJar.toString(), "serve", "host=127.0.0.1", "port=" + nodePort, "interval=5s"),
                temp.resolve("node.log"));
        for (int port : new int[] {summaryPort, nodePort}) {
            waitFor("/metrics with vdso_info on " + port, Duration.ofSeconds(60), () -> {
                String body = get("http://127.0.0.1:" + port + "/metrics");
                return body != null && body.contains("vdso_info{") ? body : null;
            });
        }

        int prometheusPort = freePort();
        Path config = writePrometheusConfig(Map.of(agentPort, POD_LABELS, summaryPort, SUMMARY_POD_LABELS, nodePort, NODE_POD_LABELS));
        start(List.of(prometheus,
                "--config.file=" + config,
                "--storage.tsdb.path=" + temp.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn"), temp.resolve("prometheus.log"));
        String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";
        waitFor("Prometheus scraping the two agents and node mode (up == 1)", Duration.ofSeconds(60),
                () -> resultSize(query(api, "up{job=\"vdso-agent\"} == 1")) == 3 ? "up" : null);
        waitFor("vdso_kernel_info of all three", Duration.ofSeconds(30),
                () -> resultSize(query(api, "vdso_kernel_info")) == 3 ? "up" : null);

        // Ground truth for the join key: all three run on this machine's kernel, whose boot id /proc gives.
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        JsonNode kernels = query(api, "count by (boot_id) (vdso_kernel_info)").path("data").path("result");
        assertEquals(1, kernels.size(), "one kernel: " + kernels);
        assertEquals(bootId, kernels.path(0).path("metric").path("boot_id").asText());
        assertEquals(3, kernels.path(0).path("value").path(1).asInt(), "two JVMs and node mode on it");

        // Every panel: >= 1 series, variables on "All" (.*), retried while rates fill their window.
        Map<String, String> empty = new LinkedHashMap<>();
        for (Dashboard.Query panelQuery : Dashboard.load().queries()) {
            String expr = panelQuery.withVariablesSubstituted();
            JsonNode result = waitForOrNull(Duration.ofSeconds(45), () -> nonEmpty(query(api, expr)));
            if (result == null) {
                empty.put(panelQuery.panel(), expr);
            }
        }
        assertEquals(Map.of(), empty, "dashboard queries without a series; agent log: " + tail(temp.resolve("demo.log")));

        // Ground truth for the instrumentation panels: the demo reads DEMO_RATE/s spread over its four
        // sites. Retried: a site's series starts when the agent ranks it, so early rates are partial.
        String sitesQuery = "sum by (site) (rate(jvm_clock_callsite_calls_total{pod=\"clock-demo-0\", site=~\".*ClockCallSites[.]"
                + "(monotonicNanos|wallClockMillis|instantNow|viaMethodReference):.*\"}[15s]))";
        double[] lastRate = {0};
        JsonNode[] lastSites = {null};
        JsonNode sites = waitForOrNull(Duration.ofSeconds(60), () -> {
            JsonNode r = query(api, sitesQuery);
            lastSites[0] = r;
            if (r == null || r.path("data").path("result").size() != 4) {
                return null;
            }
            lastRate[0] = 0;
            r.path("data").path("result").forEach(site -> lastRate[0] += site.path("value").path(1).asDouble());
            return lastRate[0] > DEMO_RATE * 0.7 && lastRate[0] < DEMO_RATE * 1.3 ? r : null;
        });
        assertTrue(sites != null, "the demo reads " + DEMO_RATE + "/s from four call sites; the agent counted "
                + lastRate[0] + "/s: " + lastSites[0]);

        // The dashboard's variables find the labels the PodMonitor (here: static labels) adds.
        for (Map.Entry<String, String> label : POD_LABELS.entrySet()) {
            JsonNode values = getJson(api + "label/" + label.getKey() + "/values?match%5B%5D=vdso_info");
            assertEquals(label.getValue(), values.path("data").path(0).asText(), label.getKey());
        }

        // The series budget, counted by Prometheus: the summary JVM has no per-kernel detail, node mode has it.
        Map<String, Integer> series = new LinkedHashMap<>();
        for (String pod : List.of("clock-demo-0", "clock-demo-1", "vdso-agent-node-0")) {
            series.put(pod, query(api, "count({pod=\"" + pod + "\"})").path("data").path("result").path(0).path("value").path(1).asInt());
        }
        System.out.println("figures: series per target (full JVM, summary JVM, node mode; scrape-time series included): " + series);
        for (String detail : List.of("vdso_symbol_info", "vdso_clock_call_seconds")) {
            assertEquals(0, query(api, detail + "{pod=\"clock-demo-1\"}").path("data").path("result").size(), detail + " in summary");
            assertTrue(nonEmpty(query(api, detail + "{pod=\"vdso-agent-node-0\"}")) != null, detail + " in node mode");
        }
        assertTrue(series.get("clock-demo-1") < series.get("clock-demo-0"), "summary costs fewer series: " + series);

        // Every alert expression evaluates without error, in the rule manager and as a query.
        JsonNode rules = waitFor("the alert rules evaluated once", Duration.ofSeconds(30), () -> {
            JsonNode r = getJson(api + "rules");
            for (JsonNode rule : alertRules(r)) {
                if (rule.path("lastEvaluation").asText().startsWith("0001")) {
                    return null;
                }
            }
            return r;
        });
        List<JsonNode> alertRules = alertRules(rules);
        assertEquals(ChartTemplateTest.alertsFile().keySet().size(), alertRules.size());
        for (JsonNode rule : alertRules) {
            assertEquals("ok", rule.path("health").asText(), rule.path("name").asText() + ": " + rule.path("lastError"));
            JsonNode evaluated = query(api, rule.path("query").asText());
            assertEquals("success", evaluated.path("status").asText(), rule.path("name").asText());
        }
        JsonNode firing = getJson(api + "alerts").path("data").path("alerts");
        for (JsonNode alert : firing) {
            assertFalse(alert.path("labels").path("alertname").asText().equals("VdsoAgentDown"),
                    "the agent is up, VdsoAgentDown must not fire");
        }
    }

    /** One static target per port, each with the labels a PodMonitor would give its pod. */
    private Path writePrometheusConfig(Map<Integer, Map<String, String>> targets) throws IOException {
        StringBuilder configs = new StringBuilder();
        targets.forEach((port, labels) -> {
            configs.append("      - targets: [\"127.0.0.1:").append(port).append("\"]\n        labels:\n");
            labels.forEach((k, v) -> configs.append("          ").append(k).append(": ").append(v).append('\n'));
        });
        Path config = temp.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: vdso-agent
                    static_configs:
                """.formatted(Chart.file("files/alerts.yaml")) + configs);
        return config;
    }

    private void assertPromtoolCheckMetricsIsClean(String promtool, String scrape) throws Exception {
        Process check = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        processes.add(check);
        check.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics: " + output);
        assertEquals("", output.trim(), "promtool check metrics found problems");
    }

    private static List<JsonNode> alertRules(JsonNode rulesResponse) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : rulesResponse.path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("type").asText().equals("alerting")) {
                    rules.add(rule);
                }
            }
        }
        return rules;
    }

    private void start(List<String> command, Path log) throws IOException {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    private static JsonNode query(String api, String expr) throws IOException, InterruptedException {
        return getJson(api + "query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    }

    /** The number of series in a query's answer; -1 while Prometheus does not answer. */
    private static int resultSize(JsonNode response) {
        return response == null ? -1 : response.path("data").path("result").size();
    }

    private static JsonNode nonEmpty(JsonNode response) {
        return response != null && response.path("data").path("result").size() > 0 ? response : null;
    }

    private static JsonNode getJson(String url) throws IOException, InterruptedException {
        String body = get(url);
        return body == null ? null : JSON.readTree(body);
    }

    /** The body, or null while the server is not there yet. */
    private static String get(String url) throws InterruptedException {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException notYet) {
            return null;
        }
    }

    interface Attempt<T> {
        T get() throws Exception;
    }

    private static <T> T waitFor(String what, Duration limit, Attempt<T> attempt) throws Exception {
        T result = waitForOrNull(limit, attempt);
        if (result == null) {
            throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
        }
        return result;
    }

    private static <T> T waitForOrNull(Duration limit, Attempt<T> attempt) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            T result = attempt.get();
            if (result != null || System.nanoTime() > deadline) {
                return result;
            }
            Thread.sleep(500);
        }
    }

    private static Path requireBuilt(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " missing: build it first (mvn -B -Pe2e verify from the repository root)");
        }
        return jar;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
