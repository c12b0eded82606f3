package io.vdsoagent.agent.http;

import java.nio.charset.StandardCharsets;

/**
 * Everything the endpoint needs to know, fixed at construction: where to listen (a port or a range of
 * ports, first free wins), who may read {@code /metrics} and {@code /report}, TLS, and the limits that
 * keep a hostile or broken client from holding it.
 */
public final class EndpointSettings {
    /** Request line plus headers of one request; beyond it 431 (414 for the request line alone). */
    public static final int MAX_HEADER_BYTES = 8192;
    public static final int MAX_REQUEST_LINE = 4096;
    public static final int MAX_HEADERS = 64;

    final String host;
    final int firstPort;
    final int lastPort;
    final String user;
    private final byte[] password;
    final EndpointTls tls;
    final int maxConnections;
    final long requestTimeoutMillis;
    final long idleTimeoutMillis;
    final int workers;

    private EndpointSettings(String host, int firstPort, int lastPort, String user, byte[] password,
                             EndpointTls tls, int maxConnections, long requestTimeoutMillis,
                             long idleTimeoutMillis, int workers) {
        if (firstPort < 0 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("port range [" + firstPort + "-" + lastPort + "]");
        }
        this.host = host;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        this.user = user == null ? "" : user;
        this.password = password == null ? new byte[0] : password.clone();
        this.tls = tls;
        this.maxConnections = maxConnections;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.workers = workers;
    }

    /** Plain HTTP, no authentication, default limits. */
    public static EndpointSettings of(String host, int firstPort, int lastPort) {
        return new EndpointSettings(host, firstPort, lastPort, "", null, null, 64, 5000, 60000, 2);
    }

    /** Basic auth on /metrics and /report; an empty user turns it off. */
    public EndpointSettings withBasicAuth(String user, String password) {
        return new EndpointSettings(host, firstPort, lastPort, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), tls, maxConnections,
                requestTimeoutMillis, idleTimeoutMillis, workers);
    }

    /** HTTPS with this key material; null means plain HTTP. */
    public EndpointSettings withTls(EndpointTls tls) {
        return new EndpointSettings(host, firstPort, lastPort, user, password, tls, maxConnections,
                requestTimeoutMillis, idleTimeoutMillis, workers);
    }

    /**
     * @param maxConnections open connections beyond which the least recently active one is cut
     * @param requestTimeoutMillis from a request's first byte to its last header line
     * @param idleTimeoutMillis a kept-alive connection with no request in progress
     */
    public EndpointSettings withLimits(int maxConnections, long requestTimeoutMillis, long idleTimeoutMillis) {
        if (maxConnections < 1 || requestTimeoutMillis < 1 || idleTimeoutMillis < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        return new EndpointSettings(host, firstPort, lastPort, user, password, tls, maxConnections,
                requestTimeoutMillis, idleTimeoutMillis, workers);
    }

    boolean authRequired() {
        return !user.isEmpty();
    }

    byte[] password() {
        return password;
    }

    /** "9419" or "9419-9429", for messages. */
    public String ports() {
        return firstPort == lastPort ? Integer.toString(firstPort) : firstPort + "-" + lastPort;
    }

    /** For the ready line: " (https, basic auth)", " (https)", " (basic auth)" or "". */
    public String describe() {
        if (tls != null) {
            return authRequired() ? " (https, basic auth)" : " (https)";
        }
        return authRequired() ? " (basic auth)" : "";
    }

    @Override
    public String toString() {
        return "EndpointSettings[" + host + ":" + ports() + describe() + ", password " + (password.length == 0
                ? "none" : "set") + ", limits " + maxConnections + "/" + requestTimeoutMillis + "ms/"
                + idleTimeoutMillis + "ms]";
    }
}
