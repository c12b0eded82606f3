package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code otlp-endpoint}: a real agent in a child JVM pushes to a receiver here that decodes each export with
 * the official OpenTelemetry proto classes (io.opentelemetry.proto, as a collector does). Debian's
 * Prometheus cannot be the receiver: 2.42 (bookworm) predates the OTLP receiver, 2.53.3 (trixie) is built
 * without it.
 * Ground truth: the agent's own /metrics families and the CPU-time clock's syscall.
 */
class OtlpPushIT {
    /** Start-up gauges live on the agent's scrape registry only. */
    private static final Set<String> SCRAPE_ONLY = new TreeSet<>(Arrays.asList(
            "vdso_agent_premain_seconds", "vdso_agent_start_seconds"));
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) ");

    static final class Export {
        final String contentType;
        final String authorization;
        final ExportMetricsServiceRequest request;

        Export(String contentType, String authorization, ExportMetricsServiceRequest request) {
            this.contentType = contentType;
            this.authorization = authorization;
            this.request = request;
        }
    }

    @Test
    void theSameFamiliesArePushedWithTheAuthHeader() throws Exception {
        BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            byte[] body = io.vdsoagent.testing.Streams.readAll(exchange.getRequestBody());
            exports.add(new Export(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), ExportMetricsServiceRequest.parseFrom(body)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,"
                        + "interval=1s,otlp-endpoint=http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics,"
                        + "otlp-headers=Authorization=Bearer t0ken=")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            int port = app.awaitReadyPort();
            Export export = exports.poll(60, TimeUnit.SECONDS);
            assertTrue(export != null, "no OTLP export within 60 s; stderr:\n" + app.stderr());
            assertEquals("application/x-protobuf", export.contentType);
            assertEquals("Bearer t0ken=", export.authorization);

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
            Set<String> expected = families(AgentJvm.get(port, "/metrics", null).body);
            expected.removeIf(f -> !f.startsWith("vdso_"));
            expected.removeAll(SCRAPE_ONLY);
            assertTrue(expected.size() >= 15, "read the agent's families: " + expected);
            assertEquals(expected, pushed);
            // CLOCK_PROCESS_CPUTIME_ID makes the syscall on every Linux host.
            assertEquals(1.0, processCpuFallback, pushed.toString());
            assertEquals(1, threads(app.pid(), "vdso-agent-otlp"), "one push thread");
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * A collector that accepts and never answers: the export waits on its own daemon thread (bounded by the
     * read timeout), the endpoint keeps answering, and the application's main returns and the JVM exits.
     */
    @Test
    void aHangingCollectorNeverHoldsTheApplication() throws Exception {
        List<Socket> held = new ArrayList<>();
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
                            + "interval=1s,otlp-endpoint=http://127.0.0.1:" + blackHole.getLocalPort() + "/v1/metrics")),
                    AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
                int port = app.awaitReadyPort();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (held.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(!held.isEmpty(), "the agent never connected to the collector");
                assertEquals(200, AgentJvm.get(port, "/metrics", null).status, "the endpoint answers during the export");
                app.release();
                assertEquals(0, app.awaitExit(30), app.stderr());
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void offByDefaultNoThread() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            app.awaitReadyPort();
            assertEquals(0, threads(app.pid(), "vdso-agent-otlp"));
            assertEquals(1, threads(app.pid(), "vdso-agent-refr"), "counted the agent's own threads");
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
