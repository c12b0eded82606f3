package io.vdsoagent.examples.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real demo jar ({@code java -jar spring-boot-demo.jar}) in a child JVM of the JDK running the tests
 * (CI runs them on JDK 17 and Temurin 25), with the auto-configuration alone and with the real
 * {@code -javaagent} as well. Ground truth: sysfs for the clocksource, the kernel's thread names
 * ({@code /proc/<pid>/task/* /comm}) for how many probes run, the agent's own {@code /metrics} for the
 * families.
 */
class SpringBootAppIT {
    private static final Path CURRENT_CLOCKSOURCE =
            Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    /** Families only the agent has: its own start-up, build and mode (README "Spring Boot" lists them). */
    static final Set<String> AGENT_ONLY = new TreeSet<>(List.of(
            "vdso_agent_build_info", "vdso_agent_mode_info", "vdso_agent_premain_seconds", "vdso_agent_start_seconds"));
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) ");
    /** The refresh thread's name (ClockHealthService.REFRESH_THREAD) as the kernel keeps it: 15 bytes. */
    private static final String REFRESH_COMM = "vdso-agent-refr";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Process> started = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void autoConfigurationAloneProbesPublishesAndKeepsProbesUp() throws Exception {
        int port = freePort();
        Path recording = Files.createTempFile("spring-boot-demo", ".jfr");
        Files.delete(recording);
        Process app = start(port, List.of("-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true"));
        JsonNode health = json(get(port, "/actuator/health"));
        JsonNode vdso = health.path("components").path("vdso");
        String sysfs = Files.readString(CURRENT_CLOCKSOURCE).trim();
        assertTrue(Set.of("UP", "CLOCK_FALLBACK").contains(vdso.path("status").asText()), health.toString());
        assertEquals("UP", health.path("status").asText(), "a clock verdict never changes the aggregate: " + health);
        assertEquals("application", vdso.path("details").path("source").asText(), health.toString());
        assertEquals(sysfs, vdso.path("details").path("clocksource").asText(), health.toString());
        // The CPU-time clocks make the syscall on every Linux host: the positive control.
        assertEquals("syscall", vdso.path("details").path("clocks").path("process_cputime").path("verdict").asText(),
                health.toString());
        assertProbesUp(port);

        JsonNode report = json(get(port, "/actuator/vdso"));
        assertEquals(sysfs, report.path("clocksource").path("current").asText(), report.toString());
        assertEquals(9, report.path("clocks").size(), report.toString());

        String scrape = get(port, "/actuator/prometheus");
        Matcher current = Pattern.compile("\nvdso_clocksource_current_info\\{[^}]*clocksource=\"([^\"]+)\"").matcher(scrape);
        assertTrue(current.find(), scrape);
        assertEquals(sysfs, current.group(1));
        assertEquals(1, refreshThreads(app), "the application's ClockHealthService: one refresh thread");
        // JDK 22+: the jar's Enable-Native-Access manifest entry keeps JEP 472's warnings away.
        List<String> jdkWarnings = Files.readAllLines(logs.get(0)).stream()
                .filter(l -> l.startsWith("WARNING:")).toList();
        assertEquals(List.of(), jdkWarnings, "the JVM warned on the application's output");

        // core's JFR events come from the application's own probe too (SIGTERM: JFR dumps on exit).
        app.destroy();
        assertTrue(app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the app did not stop on SIGTERM");
        Process print = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jfr").toString(),
                "print", "--events", "io.vdsoagent.ClockVerdict", recording.toString()).redirectErrorStream(true).start();
        String events = new String(print.getInputStream().readAllBytes());
        assertEquals(0, print.waitFor(), events);
        Matcher verdicts = Pattern.compile("clocksource = \"([^\"]*)\"").matcher(events);
        int n = 0;
        while (verdicts.find()) {
            assertEquals(sysfs, verdicts.group(1), events);
            n++;
        }
        assertTrue(n >= 9, "one ClockVerdict per clock at least:\n" + events);
        Files.deleteIfExists(recording);
    }

    /**
     * With the agent too: one probe (the agent's refresh thread only), the health component shows the
     * agent's snapshot, and the families the application publishes alone are every one the agent's
     * /metrics has but its own start-up and build families.
     */
    @Test
    void withTheAgentOneProbeAndTheSameFamilies() throws Exception {
        File agent = new File(System.getProperty("agent.jar", "../../agent/target/vdso-agent.jar"));
        assertTrue(agent.isFile(), "the packaged agent is missing [" + agent + "]: mvn -pl examples/spring-boot-demo -am verify");
        int agentPort = freePort();
        int port = freePort();
        Process app = start(port, List.of("-javaagent:" + agent.getAbsolutePath() + "=port=" + agentPort
                + ",host=127.0.0.1,instrument=false"));
        JsonNode vdso = awaitAgentHealth(port);
        assertEquals(Files.readString(CURRENT_CLOCKSOURCE).trim(), vdso.path("details").path("clocksource").asText(),
                vdso.toString());
        assertProbesUp(port);
        assertTrue(json(get(port, "/actuator/vdso")).has("agent"), "the agent's own /report, with its agent block");

        Set<String> agentFamilies = families(get(agentPort, "/metrics"));
        assertTrue(agentFamilies.containsAll(AGENT_ONLY), "stale agent-only list: " + agentFamilies);
        Set<String> inActuator = families(get(port, "/actuator/prometheus"));
        assertTrue(inActuator.stream().noneMatch(f -> f.startsWith("vdso_")),
                "with the agent, the vdso_* series are on its endpoint only: " + inActuator);
        assertEquals(1, refreshThreads(app), "one probe: the agent's refresh thread, none from the application");
        stop();
        started.clear();

        int alonePort = freePort();
        start(alonePort, List.of());
        Set<String> alone = families(get(alonePort, "/actuator/prometheus"));
        Set<String> expected = new TreeSet<>(agentFamilies);
        expected.removeIf(f -> !f.startsWith("vdso_"));
        expected.removeAll(AGENT_ONLY);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(alone);
        assertEquals(Set.of(), missing, "families on the agent's /metrics missing from /actuator/prometheus");
        assertTrue(expected.size() >= 15, "read the agent's families: " + expected);
    }

    /**
     * Spring Boot's own OTLP export carries the vdso_* meters: a receiver decodes each export with the
     * official OpenTelemetry proto classes, and every vdso_* family of /actuator/prometheus is in it.
     */
    @Test
    void otlpExportCarriesTheVdsoFamilies() throws Exception {
        java.util.concurrent.BlockingQueue<com.sun.net.httpserver.Headers> headers = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<ExportMetricsServiceRequest> exports = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            headers.add(exchange.getRequestHeaders());
            exports.add(ExportMetricsServiceRequest.parseFrom(body));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            int port = freePort();
            start(port, List.of(), "--management.otlp.metrics.export.enabled=true",
                    "--management.otlp.metrics.export.url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics",
                    "--management.otlp.metrics.export.step=1s",
                    "--management.otlp.metrics.export.headers.Authorization=Bearer t0ken");
            Set<String> expected = families(get(port, "/actuator/prometheus"));
            expected.removeIf(f -> !f.startsWith("vdso_"));
            assertTrue(expected.size() >= 15, expected.toString());
            Set<String> pushed = new TreeSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!pushed.containsAll(expected) && System.nanoTime() < deadline) {
                ExportMetricsServiceRequest export = exports.poll(5, java.util.concurrent.TimeUnit.SECONDS);
                if (export == null) {
                    continue;
                }
                assertEquals("Bearer t0ken", headers.take().getFirst("Authorization"));
                for (ResourceMetrics rm : export.getResourceMetricsList()) {
                    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                        for (Metric m : sm.getMetricsList()) {
                            pushed.add(prometheusName(m));
                        }
                    }
                }
            }
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(pushed);
            assertEquals(Set.of(), missing, "vdso_* families of /actuator/prometheus missing from the OTLP export");
        } finally {
            receiver.stop(0);
        }
    }

    /** The Prometheus family Micrometer's Prometheus naming gives the same meter (unit suffix, _total for counters). */
    private static String prometheusName(Metric m) {
        String name = m.getName().replace('.', '_');
        if (!m.getUnit().isEmpty() && !name.endsWith("_" + m.getUnit())) {
            name += "_" + m.getUnit();
        }
        return m.hasSum() && m.getSum().getIsMonotonic() ? name + "_total" : name;
    }

    private void assertProbesUp(int port) throws Exception {
        for (String group : List.of("liveness", "readiness")) {
            JsonNode probe = json(get(port, "/actuator/health/" + group));
            assertEquals("UP", probe.path("status").asText(), group + ": " + probe);
            assertFalse(probe.path("components").has("vdso"), group + " must not include vdso: " + probe);
        }
    }

    /** The agent probes on its own thread; the application may be up before the agent shares its snapshot. */
    private JsonNode awaitAgentHealth(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode vdso;
        do {
            vdso = json(get(port, "/actuator/health")).path("components").path("vdso");
            if (!"UNKNOWN".equals(vdso.path("status").asText())) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals("agent", vdso.path("details").path("source").asText(), vdso.toString());
        assertTrue(Set.of("UP", "CLOCK_FALLBACK").contains(vdso.path("status").asText()), vdso.toString());
        return vdso;
    }

    private Process start(int port, List<String> jvmArgs, String... appArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(appJar().getAbsolutePath());
        cmd.add("--server.port=" + port);
        cmd.add("--server.address=127.0.0.1");
        cmd.addAll(List.of(appArgs));
        File log = Files.createTempFile("spring-boot-demo", ".log").toFile();
        log.deleteOnExit();
        logs.add(log.toPath());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        started.add(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("the app exited " + p.exitValue() + ":\n" + Files.readString(log.toPath()));
            }
            try {
                if (request(port, "/actuator/health").statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("the app did not answer on :" + port + " within 180 s:\n" + Files.readString(log.toPath()));
        return p;
    }

    private static File appJar() {
        File jar = new File(System.getProperty("app.jar", "target/spring-boot-demo.jar"));
        assertTrue(jar.isFile(), "the packaged demo is missing [" + jar + "]: run through failsafe (mvn verify)");
        return jar;
    }

    /** Threads whose kernel name is the refresh thread's, read from /proc (not from the JVM). */
    static long refreshThreads(Process p) throws IOException {
        try (Stream<Path> tasks = Files.list(Paths.get("/proc", Long.toString(p.pid()), "task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).trim().startsWith(REFRESH_COMM);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    static Set<String> families(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = TYPE.matcher(exposition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = request(port, path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    private static HttpResponse<String> request(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
