package io.vdsoagent.agent.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

/**
 * Turns a parsed request into the complete response bytes (head and body in one array, so the connection
 * writes each answer in one piece). {@code /metrics} and {@code /report} sit behind basic auth when it is
 * configured; {@code /-/healthy} never does (kubelet probes carry no credentials).
 */
final class EndpointRoutes {
    private static final byte[] NONE = new byte[0];
    private static final String TEXT = "text/plain; charset=utf-8";
    /** The text format every Prometheus accepts whatever it asked for first. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String STARTING_FAMILY = "vdso_agent_starting";
    /**
     * {@code /metrics} while the agent defers its start: a scrape that succeeds ({@code up} stays 1, so a
     * generic {@code up == 0} alert does not fire for every JVM that starts) with one series that says
     * why the rest are missing. Written by hand: the exposition classes load at the first real scrape.
     */
    private static final byte[] STARTING_METRICS = ("# HELP " + STARTING_FAMILY + " 1 while the agent lets the JVM's start"
            + " go first (start-delay): its other series appear once it has started.\n"
            + "# TYPE " + STARTING_FAMILY + " gauge\n"
            + STARTING_FAMILY + " 1\n").getBytes(StandardCharsets.UTF_8);

    private final EndpointContent content;
    private final EndpointSettings settings;
    private final byte[] expectedAuth;
    /** Built at the first scrape: an endpoint answering "starting" loads none of the exposition classes. */
    private volatile ExpositionFormats formats;

    EndpointRoutes(EndpointContent content, EndpointSettings settings) {
        this.content = content;
        this.settings = settings;
        byte[] user = settings.user.getBytes(StandardCharsets.UTF_8);
        byte[] password = settings.password();
        byte[] pair = new byte[user.length + 1 + password.length];
        System.arraycopy(user, 0, pair, 0, user.length);
        pair[user.length] = ':';
        System.arraycopy(password, 0, pair, user.length + 1, password.length);
        this.expectedAuth = pair;
    }

    byte[] respond(HttpRequest request) {
        if (request.error != 0) {
            return text(request, request.error, request.reason + "\n",
                    request.error == 405 ? "Allow: GET, HEAD\r\n" : null);
        }
        String path = request.path;
        boolean known = "/metrics".equals(path) || "/report".equals(path) || "/-/healthy".equals(path)
                || "/".equals(path);
        if (!known) {
            return text(request, 404, "not found\n", null);
        }
        if (!"GET".equals(request.method) && !"HEAD".equals(request.method)) {
            return text(request, 405, "only GET and HEAD\n", "Allow: GET, HEAD\r\n");
        }
        boolean starting = content.starting();
        if ("/-/healthy".equals(path)) {
            return text(request, 200, starting ? "starting\n" : "OK\n", null);
        }
        if ("/".equals(path)) {
            return text(request, 200, "vdso-agent: /metrics /report /-/healthy\n", null);
        }
        if (settings.authRequired() && !authorized(request.authorization)) {
            return text(request, 401, "unauthorized\n",
                    "WWW-Authenticate: Basic realm=\"vdso-agent\", charset=\"UTF-8\"\r\n");
        }
        if (starting) {
            // Not an error and not a reason to start now: the application's own start comes first.
            if ("/metrics".equals(path)) {
                boolean asked = request.names.isEmpty() || request.names.contains(STARTING_FAMILY);
                return response(request, 200, PROMETHEUS_TEXT, asked ? STARTING_METRICS : NONE, null, false);
            }
            return text(request, 503, "starting: the agent waits for the JVM's start to settle (start-delay)\n",
                    "Retry-After: 5\r\n");
        }
        try {
            if ("/metrics".equals(path)) {
                return metrics(request);
            }
            String json;
            try {
                json = content.reportJson();
            } catch (Exception e) {
                return text(request, 503, "report unavailable: " + e.getMessage() + "\n", null);
            }
            return response(request, 200, "application/json; charset=utf-8",
                    json.getBytes(StandardCharsets.UTF_8), null, true);
        } catch (IOException | RuntimeException e) {
            return text(request, 500, "internal error: " + e.getClass().getSimpleName() + "\n", null);
        }
    }

    private byte[] metrics(HttpRequest request) throws IOException {
        ExpositionFormats known = formats;
        if (known == null) {
            known = ExpositionFormats.init(); // two workers may both build it: the same immutable value
            formats = known;
        }
        ExpositionFormatWriter writer = known.findWriter(request.accept);
        Predicate<String> names = request.names.isEmpty() ? MetricNameFilter.ALLOW_ALL
                : MetricNameFilter.builder().nameMustBeEqualTo(request.names).build();
        MetricSnapshots snapshots = content.scrape(names);
        if (!request.names.isEmpty()) {
            // the client's filter above is a prefix test: a cheap superset, narrowed to the exact families
            snapshots = FamilyNameFilter.only(snapshots, request.names);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
        writer.write(body, snapshots);
        return response(request, 200, writer.getContentType(), body.toByteArray(), null, true);
    }

    /**
     * Decodes {@code Basic base64(user:password)} and compares it with the expected pair in constant time.
     * Anything malformed is simply not authorized (401), never an error that drops the connection.
     */
    boolean authorized(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expectedAuth, given);
    }

    private byte[] text(HttpRequest request, int status, String body, String extraHeaders) {
        return response(request, status, TEXT, body.getBytes(StandardCharsets.UTF_8), extraHeaders, false);
    }

    private byte[] response(HttpRequest request, int status, String contentType, byte[] body,
                            String extraHeaders, boolean compressible) {
        boolean gzip = compressible && acceptsGzip(request.acceptEncoding);
        if (gzip) {
            body = gzip(body);
        }
        StringBuilder head = new StringBuilder(160);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (gzip) {
            head.append("Content-Encoding: gzip\r\n");
        }
        if (compressible) {
            head.append("Vary: Accept-Encoding\r\n");
        }
        if (extraHeaders != null) {
            head.append(extraHeaders);
        }
        if (!request.keepAlive) {
            head.append("Connection: close\r\n");
        } else if (request.http10) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if ("HEAD".equals(request.method)) {
            body = NONE;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * True when {@code Accept-Encoding} lists gzip (or x-gzip) with a q-value above 0, as RFC 9110
     * 12.5.3 reads it: {@code gzip;q=0} means "not gzip".
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String item : acceptEncoding.split(",")) {
            String[] params = item.split(";");
            String coding = params[0].trim().toLowerCase(Locale.ROOT);
            if (!"gzip".equals(coding) && !"x-gzip".equals(coding)) {
                continue;
            }
            double q = 1.0;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            return q > 0;
        }
        return false;
    }

    private static byte[] gzip(byte[] body) {
        try {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream(body.length / 4 + 64);
            GZIPOutputStream out = new GZIPOutputStream(zipped);
            out.write(body);
            out.close();
            return zipped.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory streams do not fail
        }
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case 503: return "Service Unavailable";
            default: return "Error";
        }
    }
}
