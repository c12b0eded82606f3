package io.vdsoagent.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vdsoagent.testing.RawHttp;
import io.vdsoagent.testing.RawHttp.Response;
import io.vdsoagent.testing.Streams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint in-process, spoken to byte by byte; the same cases against a real agent JVM are EndpointIT. */
class AgentHttpServerTest {
    private static final int T = 10_000;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private AgentHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private EndpointContent content() {
        Counter.builder("test.things").register(registry).increment(3);
        Counter.builder("other.things").register(registry).increment(5);
        return new EndpointContent() {
            @Override
            public MetricSnapshots scrape(Predicate<String> names) {
                return registry.getPrometheusRegistry().scrape(names);
            }

            @Override
            public String reportJson() {
                return "{\"ok\":true}";
            }
        };
    }

    private void start(EndpointSettings settings) throws IOException {
        server = AgentHttpServer.start(settings, content());
    }

    private void start() throws IOException {
        start(EndpointSettings.of("127.0.0.1", 0, 0));
    }

    private RawHttp connect() throws IOException {
        return RawHttp.connect(server.port(), T);
    }

    @Test
    void metricsNegotiatesTextAndOpenMetricsAndAnswersAProtobufRequestWithText() throws Exception {
        start();
        try (RawHttp c = connect()) {
            Response text = c.send(RawHttp.get("/metrics")).read();
            assertEquals(200, text.status);
            assertTrue(text.header("Content-Type").startsWith("text/plain; version=0.0.4"), text.toString());
            assertTrue(text.text().contains("test_things_total 3.0"), text.text());
            Response om = c.send(RawHttp.get("/metrics",
                    "Accept: application/openmetrics-text; version=1.0.0; charset=utf-8")).read();
            assertTrue(om.header("Content-Type").startsWith("application/openmetrics-text"), om.toString());
            assertTrue(om.text().trim().endsWith("# EOF"));
            Response pb = c.send(RawHttp.get("/metrics", "Accept: application/vnd.google.protobuf;"
                    + "proto=io.prometheus.client.MetricFamily;encoding=delimited")).read();
            // The agent ships no protobuf writer (issue 16: it has no native histograms, the only reason to
            // serve protobuf), so a Prometheus asking for protobuf first gets the text format it also accepts.
            assertEquals(200, pb.status);
            assertTrue(pb.header("Content-Type").startsWith("text/plain; version=0.0.4"), pb.toString());
            assertTrue(pb.text().contains("test_things_total 3.0"), pb.text());
        }
    }

    @Test
    void nameFilterKeepsOnlyTheNamedFamilies() throws Exception {
        start();
        try (RawHttp c = connect()) {
            String body = c.send(RawHttp.get("/metrics?name[]=other_things_total")).read().text();
            assertTrue(body.contains("other_things_total 5.0"), body);
            assertFalse(body.contains("test_things"), body);
            String encoded = c.send(RawHttp.get("/metrics?name%5B%5D=test_things_total&x=1")).read().text();
            assertTrue(encoded.contains("test_things_total 3.0"), encoded);
            assertFalse(encoded.contains("other_things"), encoded);
        }
    }

    /**
     * Exactly the named families, in both formats: the client's own filter is a prefix test, under which
     * {@code vdso_clock_fallback} also selected the info family {@code vdso} ({@code vdso_info}).
     */
    @Test
    void nameFilterIsExactNotAPrefix() throws Exception {
        Gauge.builder("vdso.info", () -> 1).tag("arch", "x").register(registry);
        Gauge.builder("vdso.clock.fallback", () -> 0).tag("clock", "realtime").register(registry);
        Gauge.builder("vdso.clock", () -> 2).register(registry);
        start();
        String om = "Accept: application/openmetrics-text; version=1.0.0; charset=utf-8";
        try (RawHttp c = connect()) {
            assertEquals(Arrays.asList("vdso_clock_fallback gauge"),
                    types(c.send(RawHttp.get("/metrics?name[]=vdso_clock_fallback")).read().text()));
            assertEquals(Arrays.asList("vdso_clock_fallback gauge"),
                    types(c.send(RawHttp.get("/metrics?name[]=vdso_clock_fallback", om)).read().text()));
            assertEquals(Arrays.asList("vdso_info gauge"),
                    types(c.send(RawHttp.get("/metrics?name[]=vdso_info")).read().text()));
            assertEquals(Arrays.asList("vdso info"),
                    types(c.send(RawHttp.get("/metrics?name[]=vdso_info", om)).read().text()));
            assertEquals(Arrays.asList("vdso_clock gauge", "test_things_total counter"),
                    types(c.send(RawHttp.get("/metrics?name[]=test_things_total&name[]=vdso_clock")).read().text()));
            assertEquals(Arrays.asList("test_things counter"),
                    types(c.send(RawHttp.get("/metrics?name[]=test_things", om)).read().text()));
            assertEquals(Collections.emptyList(),
                    types(c.send(RawHttp.get("/metrics?name[]=vdso_clock_fallback_total")).read().text()));
        }
    }

    /** The {@code # TYPE} lines of an exposition, sorted: which families it holds, as a scraper sees them. */
    private static List<String> types(String exposition) {
        List<String> types = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                types.add(line.substring(7));
            }
        }
        types.sort(Comparator.reverseOrder());
        return types;
    }

    @Test
    void gzipOnlyWhenAcceptedWithPositiveQ() throws Exception {
        start();
        try (RawHttp c = connect()) {
            Response zipped = c.send(RawHttp.get("/metrics", "Accept-Encoding: br, gzip")).read();
            assertEquals("gzip", zipped.header("Content-Encoding"));
            String unzipped = Streams.readUtf8(new GZIPInputStream(new ByteArrayInputStream(zipped.body)));
            assertTrue(unzipped.contains("test_things_total 3.0"), unzipped);
            Response refused = c.send(RawHttp.get("/metrics", "Accept-Encoding: gzip;q=0, identity")).read();
            assertNull(refused.header("Content-Encoding"), refused.toString());
            assertTrue(refused.text().contains("test_things_total 3.0"));
            Response spaced = c.send(RawHttp.get("/metrics", "Accept-Encoding: gzip ; q=0.5")).read();
            assertEquals("gzip", spaced.header("Content-Encoding"));
        }
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
        start();
        try (RawHttp c = connect()) {
            c.send(RawHttp.get("/-/healthy") + RawHttp.get("/report") + "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                    + RawHttp.get("/nope") + RawHttp.get("/-/healthy", "Connection: close"));
            assertEquals("OK\n", c.read().text());
            assertEquals("{\"ok\":true}", c.read().text());
            Response head = c.read(true);
            assertEquals(200, head.status);
            assertTrue(Integer.parseInt(head.header("Content-Length")) > 0);
            assertEquals(404, c.read().status);
            Response last = c.read();
            assertEquals("close", last.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void refusalsAreAnsweredNotDropped() throws Exception {
        start();
        char[] longPath = new char[EndpointSettings.MAX_REQUEST_LINE + 10];
        java.util.Arrays.fill(longPath, 'a');
        StringBuilder manyHeaders = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            manyHeaders.append("X-Filler-").append(i).append(": ").append("0123456789012345678901234567890123456789\r\n");
        }
        String[][] cases = {
                {"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "405"},
                {"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", "413"},
                {"GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "413"},
                {"GET /" + new String(longPath) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
                {"GET /metrics HTTP/1.1\r\nHost: x\r\n" + manyHeaders + "\r\n", "431"},
                {"GET /metrics HTTP/1.1\r\n\r\n", "400"},
                {"GET metrics HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
                {"GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n", "400"},
                {"GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "400"},
                {"GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n", "400"},
                {"GET /metrics HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n", "400"},
                {"GET /metrics?name[]=%zz HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
                {"GET /metricsfoo HTTP/1.1\r\nHost: x\r\n\r\n", "404"},
        };
        for (String[] k : cases) {
            try (RawHttp c = connect()) {
                Response r = c.send(k[0]).read();
                assertNotNull(r, "no answer to " + k[0]);
                assertEquals(Integer.parseInt(k[1]), r.status, k[0].substring(0, Math.min(60, k[0].length())));
                if (r.status == 405) {
                    assertEquals("GET, HEAD", r.header("Allow"));
                    assertEquals(200, c.send(RawHttp.get("/-/healthy")).read().status, "405 keeps the connection");
                } else if (r.status != 404) {
                    assertEquals("close", r.header("Connection"), r.toString());
                    assertTrue(c.closedByServer());
                }
            }
        }
    }

    @Test
    void basicAuthGuardsMetricsAndReportButNotHealth() throws Exception {
        start(EndpointSettings.of("127.0.0.1", 0, 0).withBasicAuth("prom", "s3cret"));
        try (RawHttp c = connect()) {
            Response none = c.send(RawHttp.get("/metrics")).read();
            assertEquals(401, none.status);
            assertTrue(none.header("WWW-Authenticate").startsWith("Basic realm="), none.toString());
            assertEquals(401, c.send(RawHttp.get("/report")).read().status);
            String[] bad = {"Basic " + b64("prom:wrong"), "Basic " + b64("prom"), "Basic !!!notbase64",
                    "Basic ", "Bearer abc", "Basic " + b64("prom:s3cret") + "x", "basic"};
            for (String auth : bad) {
                assertEquals(401, c.send(RawHttp.get("/metrics", "Authorization: " + auth)).read().status, auth);
            }
            assertEquals(200, c.send(RawHttp.get("/metrics", "Authorization: Basic " + b64("prom:s3cret"))).read().status);
            assertEquals(200, c.send(RawHttp.get("/metrics", "Authorization: basic " + b64("prom:s3cret"))).read().status);
            assertEquals(200, c.send(RawHttp.get("/-/healthy")).read().status);
        }
    }

    @Test
    void stalledSocketsHoldNoWorkerAndAreCutAtTheDeadline() throws Exception {
        start(EndpointSettings.of("127.0.0.1", 0, 0).withLimits(64, 1500, 60_000));
        RawHttp[] slow = new RawHttp[4];
        for (int i = 0; i < slow.length; i++) {
            slow[i] = connect().send("G");
        }
        long t0 = System.nanoTime();
        try (RawHttp c = connect()) {
            assertEquals(200, c.send(RawHttp.get("/-/healthy")).read().status);
            assertEquals(200, c.send(RawHttp.get("/metrics")).read().status);
        }
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "health answered only after the stalled sockets");
        for (RawHttp s : slow) {
            assertTrue(s.closedByServer(), "a stalled socket was not cut within the socket timeout");
            s.close();
        }
    }

    @Test
    void atTheConnectionCapTheOldestIdleConnectionMakesRoom() throws Exception {
        start(EndpointSettings.of("127.0.0.1", 0, 0).withLimits(3, 60_000, 60_000));
        RawHttp[] idle = {connect(), connect(), connect()};
        try (RawHttp c = connect()) {
            assertEquals(200, c.send(RawHttp.get("/-/healthy")).read().status);
        }
        assertTrue(idle[0].closedByServer(), "the oldest connection should have been cut");
        for (RawHttp s : idle) {
            s.close();
        }
    }

    @Test
    void aRangeTakesTheFirstFreePortAndATakenPortIsABindException() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int p = taken.getLocalPort();
            assertThrows(BindException.class,
                    () -> AgentHttpServer.start(EndpointSettings.of("127.0.0.1", p, p), content()));
            int last = Math.min(p + 20, 65535);
            start(EndpointSettings.of("127.0.0.1", p, last));
            assertTrue(server.port() > p && server.port() <= last, "port " + server.port());
            try (RawHttp c = connect()) {
                assertEquals(200, c.send(RawHttp.get("/-/healthy")).read().status);
            }
        }
    }

    @Test
    void gzipQValues() {
        assertTrue(EndpointRoutes.acceptsGzip("gzip"));
        assertTrue(EndpointRoutes.acceptsGzip("deflate, GZIP;q=0.1"));
        assertTrue(EndpointRoutes.acceptsGzip("x-gzip"));
        assertFalse(EndpointRoutes.acceptsGzip("gzip;q=0"));
        assertFalse(EndpointRoutes.acceptsGzip("gzip; q=0.0"));
        assertFalse(EndpointRoutes.acceptsGzip("gzip;q=bogus"));
        assertFalse(EndpointRoutes.acceptsGzip("identity"));
        assertFalse(EndpointRoutes.acceptsGzip(null));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
