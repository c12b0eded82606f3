package io.vdsoagent.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentHttpServerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private AgentHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(String user, String password) throws IOException {
        Counter.builder("test.things").register(registry).increment(3);
        Callable<String> report = () -> "{\"ok\":true}";
        server = AgentHttpServer.start("127.0.0.1", 0, registry.getPrometheusRegistry(), report, user, password);
    }

    @Test
    void metricsNegotiatesTextOrOpenMetrics() throws Exception {
        start("", "");
        HttpURLConnection text = open("/metrics", null);
        assertEquals(200, text.getResponseCode());
        assertTrue(text.getContentType().startsWith("text/plain; version=0.0.4"), text.getContentType());
        assertTrue(body(text).contains("test_things_total 3.0"));

        HttpURLConnection om = open("/metrics", null);
        om.setRequestProperty("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertEquals(200, om.getResponseCode());
        assertTrue(om.getContentType().startsWith("application/openmetrics-text"), om.getContentType());
        assertTrue(body(om).trim().endsWith("# EOF"));
    }

    @Test
    void healthyReportNotFoundAndMethods() throws Exception {
        start("", "");
        HttpURLConnection healthy = open("/-/healthy", null);
        assertEquals(200, healthy.getResponseCode());
        assertEquals("OK\n", body(healthy));
        HttpURLConnection report = open("/report", null);
        assertEquals("application/json; charset=utf-8", report.getContentType());
        assertEquals("{\"ok\":true}", body(report));
        assertEquals(404, open("/metricsx/y", null).getResponseCode());
        HttpURLConnection post = open("/metrics", null);
        post.setRequestMethod("POST");
        assertEquals(405, post.getResponseCode());
    }

    @Test
    void basicAuthGuardsMetricsAndReportButNotHealth() throws Exception {
        start("prom", "s3cret");
        assertEquals(401, open("/metrics", null).getResponseCode());
        assertEquals(401, open("/report", null).getResponseCode());
        assertEquals(401, open("/metrics", "prom:wrong").getResponseCode());
        assertEquals(200, open("/metrics", "prom:s3cret").getResponseCode());
        assertEquals(200, open("/-/healthy", null).getResponseCode());
    }

    @Test
    void portInUseThrowsForTheCallerToLog() throws Exception {
        start("", "");
        assertThrows(IOException.class, () -> AgentHttpServer.start("127.0.0.1", server.port(),
                registry.getPrometheusRegistry(), () -> "{}", "", ""));
    }

    private HttpURLConnection open(String path, String credentials) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + server.port() + path).openConnection();
        if (credentials != null) {
            c.setRequestProperty("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return c;
    }

    private static String body(HttpURLConnection c) throws IOException {
        try (InputStream in = c.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            int n;
            while ((n = in.read(b)) > 0) {
                out.write(b, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
