package io.vdsoagent.agent.otlp;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.ConfigKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one OTLP push needs, typed once: the endpoint, the headers of each export (a secret), the step.
 * The configuration keys were checked when the agent read them ({@link ConfigKey#OTLP_ENDPOINT} ...);
 * the headers file is read here, when the push starts.
 */
final class OtlpSettings {
    private static final Logger log = LoggerFactory.getLogger(OtlpSettings.class);
    /** A headers file is a few lines; anything longer is not one (and /dev/zero must not fill the heap). */
    private static final int MAX_HEADERS_FILE = 64 * 1024;

    private final URI endpoint;
    private final Map<String, String> headers;
    private final long stepMillis;

    private OtlpSettings(URI endpoint, Map<String, String> headers, long stepMillis) {
        this.endpoint = endpoint;
        this.headers = Collections.unmodifiableMap(headers);
        this.stepMillis = stepMillis;
    }

    /**
     * The push's settings, or null when it is off: not asked for, refused (a bad {@code otlp-*} value was
     * already one line), or the headers file unusable (one line here). Never a push without the headers it
     * was given.
     */
    static OtlpSettings from(AgentArguments config) {
        String endpoint = config.get(ConfigKey.OTLP_ENDPOINT);
        if (endpoint.isEmpty() || config.pushRefused()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<String, String>(config.get(ConfigKey.OTLP_HEADERS));
        String file = config.get(ConfigKey.OTLP_HEADERS_FILE);
        if (!file.isEmpty()) {
            try {
                headers.putAll(ConfigKey.otlpHeaders(read(file), "\r?\n"));
            } catch (IOException | IllegalArgumentException e) {
                // IllegalArgumentException's message names no value; an IOException's names the file only
                log.warn("{} unusable, OTLP push OFF (fail closed): {}", ConfigKey.OTLP_HEADERS_FILE.name(),
                        e instanceof IOException ? e.toString() : e.getMessage());
                return null;
            }
        }
        return new OtlpSettings(URI.create(endpoint), headers, config.get(ConfigKey.OTLP_INTERVAL));
    }

    private static String read(String file) throws IOException {
        InputStream in = Files.newInputStream(Paths.get(file));
        try {
            byte[] buffer = new byte[MAX_HEADERS_FILE + 1];
            int n = 0;
            for (int r; n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) > 0; ) {
                n += r;
            }
            if (n > MAX_HEADERS_FILE) {
                throw new IOException("longer than " + MAX_HEADERS_FILE + " bytes: " + file);
            }
            return new String(buffer, 0, n, StandardCharsets.UTF_8);
        } finally {
            in.close();
        }
    }

    /** The receiver's URL, e.g. {@code http://otel-collector:4318/v1/metrics}. */
    URI endpoint() {
        return endpoint;
    }

    /** Sent with each export; values are secrets (a bearer token): never logged. */
    Map<String, String> headers() {
        return headers;
    }

    long stepMillis() {
        return stepMillis;
    }

    /** The endpoint without query (a token may sit there; user info is refused): for a log line. */
    String endpointForLog() {
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                + (endpoint.getRawPath() == null ? "" : endpoint.getRawPath());
    }
}
