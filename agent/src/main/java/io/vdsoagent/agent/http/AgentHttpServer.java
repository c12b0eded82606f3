package io.vdsoagent.agent.http;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vdsoagent.base.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The agent's endpoint on the JDK's own HTTP server: {@code /metrics} (Prometheus text or OpenMetrics,
 * chosen from the Accept header), {@code /-/healthy} and {@code /report} (JSON). Two daemon worker
 * threads and a short queue: a scrape storm waits, it cannot grow the agent without bound.
 */
public final class AgentHttpServer {
    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private AgentHttpServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts. Must be called from a daemon thread: the JDK's dispatcher thread inherits its
     * daemon status, and a non-daemon one would keep the application's JVM alive.
     *
     * @throws IOException when the address cannot be bound (port in use); the caller logs and carries on
     */
    public static AgentHttpServer start(String host, int port, PrometheusRegistry registry,
                                        Callable<String> reportJson, String basicAuthUser, String basicAuthPassword)
            throws IOException {
        return start(host, port, registry, reportJson, EndpointSecurity.of(basicAuthUser, basicAuthPassword, "", ""));
    }

    /** As above, with basic auth and/or TLS as {@link EndpointSecurity} says. */
    public static AgentHttpServer start(String host, int port, PrometheusRegistry registry,
                                        Callable<String> reportJson, EndpointSecurity security)
            throws IOException {
        HttpServer server = security.bind(new InetSocketAddress(host, port), 64); // >= 50 concurrent scrapers reconnecting: no SYN drops
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<Runnable>(16), DaemonThreads.named("vdso-agent-http"),
                new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        BasicAuthenticator auth = security.authenticator();
        protect(server.createContext("/metrics", new MetricsHandler(registry)), auth);
        protect(server.createContext("/report", new ReportHandler(reportJson)), auth);
        // Liveness stays open: probes from kubelet carry no credentials.
        server.createContext("/-/healthy", new TextHandler("OK\n"));
        server.createContext("/", new TextHandler("vdso-agent: /metrics /report /-/healthy\n"));
        server.start();
        return new AgentHttpServer(server, executor);
    }

    private static void protect(HttpContext context, BasicAuthenticator auth) {
        if (auth != null) {
            context.setAuthenticator(auth);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Content negotiation and exposition are the Prometheus client's; we only add gzip. */
    private static final class MetricsHandler implements HttpHandler {
        private final PrometheusRegistry registry;
        private final ExpositionFormats formats = ExpositionFormats.init();

        MetricsHandler(PrometheusRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try {
                if (!allowed(exchange, "/metrics")) {
                    return;
                }
                ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
                ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
                writer.write(body, registry.scrape());
                exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
                send(exchange, 200, body.toByteArray());
            } finally {
                exchange.close();
            }
        }
    }

    private static final class ReportHandler implements HttpHandler {
        private final Callable<String> reportJson;

        ReportHandler(Callable<String> reportJson) {
            this.reportJson = reportJson;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try {
                if (!allowed(exchange, "/report")) {
                    return;
                }
                String json;
                try {
                    json = reportJson.call();
                } catch (Exception e) {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                    send(exchange, 503, ("report unavailable: " + e + "\n").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                send(exchange, 200, json.getBytes(StandardCharsets.UTF_8));
            } finally {
                exchange.close();
            }
        }
    }

    private static final class TextHandler implements HttpHandler {
        private final byte[] body;

        TextHandler(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try {
                String path = exchange.getRequestURI().getPath();
                if (!allowed(exchange, "/-/healthy".equals(path) ? path : "/")) {
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                send(exchange, 200, body);
            } finally {
                exchange.close();
            }
        }
    }

    /** Contexts match by prefix ("/metricsfoo" reaches the /metrics handler): only the exact path is ours. */
    private static boolean allowed(HttpExchange exchange, String path) throws IOException {
        if (!path.equals(exchange.getRequestURI().getPath())) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            send(exchange, 404, "not found\n".getBytes(StandardCharsets.UTF_8));
            return false;
        }
        String method = exchange.getRequestMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return false;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (encoding != null && encoding.contains("gzip") && body.length > 1024) {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream(body.length / 4);
            GZIPOutputStream gzip = new GZIPOutputStream(zipped);
            gzip.write(body);
            gzip.close();
            body = zipped.toByteArray();
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        // The JDK server writes headers and body as two segments without TCP_NODELAY; on a kept-alive
        // connection the client's delayed ACK then holds the body ~40 ms (measured on JDK 17). The fix,
        // sun.net.httpserver.nodelay, is JVM-wide and would change the application's servers, so we close
        // instead: the FIN pushes the body at once, and a scrape every few seconds loses nothing by it.
        exchange.getResponseHeaders().set("Connection", "close");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            OutputStream out = exchange.getResponseBody();
            out.write(body);
            out.close();
        }
    }
}
