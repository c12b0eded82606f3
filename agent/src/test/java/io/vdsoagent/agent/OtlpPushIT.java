package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code otlp-endpoint}: a real agent in a child JVM pushes to a receiver here that decodes each export with
 * the official OpenTelemetry proto classes (io.opentelemetry.proto, as a collector does). The installed
 * Prometheus cannot be the receiver: Debian 12's 2.42 predates its OTLP receiver (2.47).
 * Ground truth: the agent's own /metrics families, the CPU-time clock's syscall, the headers as the
 * receiver's socket read them, the JVM's own class-load log, /proc's thread names.
 */
class OtlpPushIT {
    /** On the agent's scrape registry only: start-up gauges, and the push's own export counts. */
    private static final Set<String> SCRAPE_ONLY = new TreeSet<>(Arrays.asList(
            "vdso_agent_premain_seconds", "vdso_agent_start_seconds", "vdso_agent_otlp_exports_total"));
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) ");
    /** Classes only the push needs: the part's loader, our push package and the libraries in the part. */
    private static final Pattern PUSH_CLASS = Pattern.compile(
            " (io\\.vdsoagent\\.agent\\.OtlpPart|io\\.vdsoagent\\.agent\\.otlp\\.|io\\.micrometer\\.registry\\.otlp\\."
                    + "|io\\.opentelemetry\\.|com\\.google\\.protobuf\\.|io\\.micrometer\\.core\\.ipc\\.)");

    static final class Export {
        final String contentType;
        final String authorization;
        final String scope;
        final ExportMetricsServiceRequest request;

        Export(String contentType, String authorization, String scope, ExportMetricsServiceRequest request) {
            this.contentType = contentType;
            this.authorization = authorization;
            this.scope = scope;
            this.request = request;
        }
    }

    /** A receiver on 127.0.0.1 decoding every POST to /v1/metrics. */
    private static HttpServer receiver(BlockingQueue<Export> exports) throws IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            byte[] body = io.vdsoagent.testing.Streams.readAll(exchange.getRequestBody());
            exports.add(new Export(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("X-Scope-OrgID"), ExportMetricsServiceRequest.parseFrom(body)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }

    @Test
    void theSameFamiliesArePushedWithTheHeadersFromTheKeyAndTheFile() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        HttpServer receiver = receiver(exports);
        Path headersFile = Files.createTempFile("otlp-headers", ".txt");
        Files.write(headersFile, "X-Scope-OrgID=team-a\n".getBytes(StandardCharsets.UTF_8));
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,"
                        + "otlp-interval=1s,otlp-endpoint=http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics,"
                        + "otlp-headers=Authorization=Bearer t0ken=,otlp-headers-file=" + headersFile)),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            int port = app.awaitReadyPort();
            Export export = exports.poll(60, TimeUnit.SECONDS);
            assertTrue(export != null, "no OTLP export within 60 s; stderr:\n" + app.stderr());
            assertEquals("application/x-protobuf", export.contentType);
            assertEquals("Bearer t0ken=", export.authorization, "the header from otlp-headers");
            assertEquals("team-a", export.scope, "the header from otlp-headers-file");

            Set<String> pushed = new TreeSet<>();
            double processCpuFallback = Double.NaN;
            for (ResourceMetrics rm : export.request.getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        pushed.add(prometheusName(m));
                        if (m.getName().equals("vdso.clock.fallback")) {
                            for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                                if (attribute(p.getAttributesList(), "clock").equals("process_cputime")) {
                                    processCpuFallback = p.getAsDouble();
                                }
                            }
                        }
                    }
                }
            }
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            Set<String> expected = families(metrics.body);
            expected.removeIf(f -> !f.startsWith("vdso_"));
            expected.removeAll(SCRAPE_ONLY);
            assertTrue(expected.size() >= 15, "read the agent's families: " + expected);
            assertEquals(expected, pushed);
            // CLOCK_PROCESS_CPUTIME_ID makes the syscall on every Linux host.
            assertEquals(1.0, processCpuFallback, pushed.toString());
            assertEquals(1, threads(app.pid(), "vdso-agent-otlp"), "one push thread");
            // the receiver answered 200 at least once, and the agent counted it
            assertTrue(awaitSample(port, "vdso_agent_otlp_exports_total{result=\"sent\"}") >= 1, metrics.body);
            assertEquals(0.0, AgentJvm.get(port, "/metrics", null).sample("vdso_agent_otlp_exports_total{result=\"failed\"}"));
            assertFalse(app.stderr().contains("t0ken") || app.stderr().contains("team-a"), "headers are secrets: " + app.stderr());
            assertEquals(new ArrayList<String>(), app.foreignStderrLines(), "nothing else on stderr");
            assertEquals(1, app.agentLines().size(), "the ready line only: " + app.agentLines());
        } finally {
            receiver.stop(0);
            Files.delete(headersFile);
        }
    }

    /** Node mode ({@code serve}) pushes what its /metrics serves too: the kernel's full detail, mode node. */
    @Test
    void nodeModePushesItsOwnFamilies() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        HttpServer receiver = receiver(exports);
        try (AgentJvm node = AgentJvm.start(Arrays.asList(AgentJvm.java(), "-jar", AgentJvm.agentJar().getAbsolutePath(),
                "serve", "host=127.0.0.1", "port=0", "otlp-interval=1s",
                "otlp-endpoint=http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics"))) {
            int port = node.awaitReadyPort();
            Export export = exports.poll(60, TimeUnit.SECONDS);
            assertTrue(export != null, "no OTLP export within 60 s; stderr:\n" + node.stderr());
            Set<String> pushed = new TreeSet<>();
            String mode = "";
            for (ResourceMetrics rm : export.request.getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        pushed.add(prometheusName(m));
                        if (m.getName().equals("vdso.agent.mode.info")) {
                            mode = attribute(m.getGauge().getDataPoints(0).getAttributesList(), "mode");
                        }
                    }
                }
            }
            Set<String> expected = families(AgentJvm.get(port, "/metrics", null).body);
            expected.removeIf(f -> !f.startsWith("vdso_"));
            expected.removeAll(SCRAPE_ONLY);
            assertEquals(expected, pushed);
            assertTrue(pushed.contains("vdso_symbol_info"), "node mode's full detail: " + pushed);
            assertEquals("node", mode);
            assertEquals(new ArrayList<String>(), node.foreignStderrLines(), "nothing else on stderr");
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * A collector that accepts and never answers: the export waits on its own daemon thread (bounded by the
     * read timeout), the endpoint keeps answering, the failure is counted and logged once, and the
     * application's main returns and the JVM exits while the collector still holds the connection.
     */
    @Test
    void aBlackHoleCollectorNeverHoldsTheApplication() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,"
                            + "otlp-interval=1s,otlp-endpoint=http://127.0.0.1:" + blackHole.getLocalPort() + "/v1/metrics")),
                    AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
                int port = app.awaitReadyPort();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (held.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(!held.isEmpty(), "the agent never connected to the collector; stderr:\n" + app.stderr());
                assertEquals(200, AgentJvm.get(port, "/metrics", null).status, "the endpoint answers during the export");
                // the read timeout ends each export; every later one meets the same black hole
                assertTrue(awaitSample(port, "vdso_agent_otlp_exports_total{result=\"failed\"}") >= 1);
                app.awaitStderr(Pattern.compile("OTLP export to http://127\\.0\\.0\\.1:\\d+/v1/metrics failed"), 30_000);
                int connections = held.size();
                app.release();
                assertEquals(0, app.awaitExit(30), app.stderr());
                long failures = app.agentLines().stream().filter(l -> l.contains("OTLP export")).count();
                assertEquals(1, failures, "logged once: " + app.agentLines());
                assertTrue(connections >= 1);
                assertEquals(new ArrayList<String>(), app.foreignStderrLines(), "nothing else on stderr");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** Off by default: no thread, and the JVM loads no class of the push (its loader, part or libraries). */
    @Test
    void offByDefaultNothingOfThePushLoads() throws Exception {
        Path log = Files.createTempFile("classload", ".log");
        try (AgentJvm app = AgentJvm.start(Arrays.asList("-Xlog:class+load=info:file=" + log,
                        AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            int port = app.awaitReadyPort();
            awaitStarted(port);
            assertEquals(0, threads(app.pid(), "vdso-agent-otlp"));
            assertEquals(1, threads(app.pid(), "vdso-agent-refr"), "counted the agent's own threads");
            List<String> lines = Files.readAllLines(log);
            assertTrue(lines.stream().anyMatch(l -> l.contains(" io.vdsoagent.agent.RunningAgent ")), "read the log");
            assertEquals(new ArrayList<String>(), pushClasses(lines));
        } finally {
            Files.delete(log);
        }
    }

    /** The same log with the push on: the classes it costs (BENCHMARKS.md), and that they come from the part. */
    @Test
    void onThePushLoadsItsPartOnly() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        HttpServer receiver = receiver(exports);
        Path log = Files.createTempFile("classload", ".log");
        try (AgentJvm app = AgentJvm.start(Arrays.asList("-Xlog:class+load=info:file=" + log,
                        AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,otlp-interval=1s,otlp-endpoint=http://127.0.0.1:"
                                + receiver.getAddress().getPort() + "/v1/metrics")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            app.awaitReadyPort();
            assertTrue(exports.poll(60, TimeUnit.SECONDS) != null, "no export; stderr:\n" + app.stderr());
            List<String> push = pushClasses(Files.readAllLines(log));
            assertTrue(push.stream().anyMatch(l -> l.contains(" io.micrometer.registry.otlp.OtlpMeterRegistry ")), push.toString());
            assertTrue(push.stream().anyMatch(l -> l.contains(" com.google.protobuf.")), push.toString());
            System.out.println("OtlpPushIT: " + push.size() + " classes of the push loaded");
        } finally {
            receiver.stop(0);
            Files.delete(log);
        }
    }

    /**
     * The part is one entry of the agent jar (its central directory is on every JVM's heap): none of its
     * ~740 classes sits beside it, and inside it the agent's relocations hold (its classes name our slf4j,
     * never org.slf4j), so Micrometer's types are the agent loader's on both sides.
     */
    @Test
    void thePartIsOneEntryOfTheAgentJarWithTheSameRelocations() throws Exception {
        List<String> outside = new ArrayList<>();
        byte[] part = null;
        try (java.util.jar.JarFile agent = new java.util.jar.JarFile(AgentJvm.agentJar())) {
            for (java.util.Enumeration<java.util.jar.JarEntry> e = agent.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.contains("protobuf") || name.contains("opentelemetry") || name.contains("registry/otlp")
                        || name.contains("io/vdsoagent/agent/otlp/")) {
                    outside.add(name);
                }
                if (name.equals("inst/io/vdsoagent/agent/otlp-part.jar")) {
                    part = io.vdsoagent.testing.Streams.readAll(agent.getInputStream(agent.getJarEntry(name)));
                }
            }
        }
        assertEquals(new ArrayList<String>(), outside, "OTLP classes outside the part");
        assertTrue(part != null, "no otlp-part.jar in the agent jar");
        Set<String> classes = new TreeSet<>();
        List<String> unrelocated = new ArrayList<>();
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(part))) {
            for (java.util.jar.JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n); // not Streams.readAll: it closes the stream, and the jar goes on
                }
                byte[] bytes = out.toByteArray();
                classes.add(e.getName());
                if (e.getName().endsWith(".class") && new String(bytes, StandardCharsets.ISO_8859_1).contains("org/slf4j/")) {
                    unrelocated.add(e.getName());
                }
            }
        }
        assertTrue(classes.contains("io/micrometer/registry/otlp/OtlpMeterRegistry.class"), "registry in the part");
        assertTrue(classes.contains("io/vdsoagent/agent/otlp/OtlpPush.class"), "our push in the part");
        assertTrue(classes.contains("io/micrometer/core/ipc/http/HttpUrlConnectionSender.class"), "the sender in the part");
        assertFalse(classes.contains("io/micrometer/core/instrument/MeterRegistry.class"), "core types come from the agent's loader");
        assertEquals(new ArrayList<String>(), unrelocated, "classes naming org/slf4j");
    }

    /** A bad otlp-* value turns the push off, names the key in one line, never shows a header, and /metrics stays. */
    @Test
    void badValuesTurnThePushOffNotTheEndpoint() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        HttpServer receiver = receiver(exports);
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics";
        Path unreadable = Paths.get("/nonexistent/otlp-headers");
        try {
            assertPushRefused("otlp-endpoint=ftp://127.0.0.1/v1/metrics", "otlp-endpoint", "bad value for otlp-endpoint [ftp");
            assertPushRefused("otlp-endpoint=" + url + ",otlp-headers=Bad Name=s3cr3t", "otlp-headers",
                    "bad value for otlp-headers [***], OTLP push OFF (fail closed)");
            assertPushRefused("otlp-endpoint=" + url + ",otlp-headers-file=" + unreadable, null,
                    "otlp-headers-file unusable, OTLP push OFF (fail closed)");
            assertEquals(0, exports.size(), "nothing reached the receiver");
        } finally {
            receiver.stop(0);
        }
    }

    private static void assertPushRefused(String args, String refusedKey, String line) throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,otlp-interval=1s," + args)),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            int port = app.awaitReadyPort();
            awaitStarted(port);
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertEquals(200, metrics.status);
            if (refusedKey != null) {
                assertEquals(1.0, metrics.sample("vdso_agent_config_refused{effect=\"otlp_off\",key=\"" + refusedKey + "\"}"), metrics.body);
            }
            assertEquals(0, threads(app.pid(), "vdso-agent-otlp"));
            List<String> lines = app.agentLines().stream().filter(l -> l.contains(line)).collect(Collectors.toList());
            assertEquals(1, lines.size(), app.stderr());
            assertFalse(app.stderr().contains("s3cr3t"), app.stderr());
        }
    }

    /** The background start-up (endpoint, probe, instrumentation, push) is over: vdso_agent_start_seconds is a number. */
    private static void awaitStarted(int port) throws Exception {
        assertTrue(!Double.isNaN(awaitSample(port, "vdso_agent_start_seconds")), "never started");
    }

    /** The series' value once it is there and a number, within 60 s; NaN if never. */
    private static double awaitSample(int port, String series) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double value = Double.NaN;
        while (System.nanoTime() < deadline) {
            value = sampleOrNaN(AgentJvm.get(port, "/metrics", null).body, series);
            if (!Double.isNaN(value) && value > 0) {
                return value;
            }
            Thread.sleep(200);
        }
        return value;
    }

    private static double sampleOrNaN(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }

    private static List<String> pushClasses(List<String> classLoadLog) {
        return classLoadLog.stream().filter(l -> PUSH_CLASS.matcher(l).find()).collect(Collectors.toList());
    }

    /** The Prometheus family Micrometer's Prometheus naming gives the same meter (unit suffix, _total for counters). */
    private static String prometheusName(Metric m) {
        String name = m.getName().replace('.', '_');
        if (!m.getUnit().isEmpty() && !name.endsWith("_" + m.getUnit())) {
            name += "_" + m.getUnit();
        }
        return m.hasSum() && m.getSum().getIsMonotonic() ? name + "_total" : name;
    }

    private static String attribute(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().getStringValue();
            }
        }
        return "";
    }

    private static Set<String> families(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = TYPE.matcher(exposition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Threads of {@code pid} whose kernel name (15 bytes) starts with {@code prefix}: from /proc. */
    static long threads(long pid, String prefix) throws IOException {
        try (Stream<Path> tasks = Files.list(Paths.get("/proc", Long.toString(pid), "task"))) {
            return tasks.filter(t -> {
                try {
                    return new String(Files.readAllBytes(t.resolve("comm"))).trim().startsWith(prefix);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
