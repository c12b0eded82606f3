package io.vdsoagent.agent.config;

import io.vdsoagent.agent.instrument.CountMode;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.publish.HostDetail;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key: its name, type, default, parser and the sentence documenting it. {@link #ALL}
 * is the one table of keys, in documentation order; README.md's configuration table is checked against
 * it by a test. Each key is read from {@code vdso.agent.<name>} and {@code VDSO_AGENT_<NAME>} too.
 */
public final class ConfigKey<T> {
    /** Prefix of the system property naming a key: {@code vdso.agent.port}. */
    public static final String SYSTEM_PROPERTY_PREFIX = "vdso.agent.";
    /** Prefix of the environment variable naming a key: {@code VDSO_AGENT_PORT}. */
    public static final String ENV_PREFIX = "VDSO_AGENT_";
    static final List<String> LOG_LEVELS =
            Collections.unmodifiableList(java.util.Arrays.asList("off", "error", "warn", "info", "debug", "trace"));
    private static final Pattern DURATION = Pattern.compile("^(\\d+)\\s*(ms|s|m|h)?$");
    private static final Pattern NUMERIC = Pattern.compile("^[0-9.]+$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$");
    /** An HTTP token (RFC 9110): what a header name may be. */
    private static final Pattern HTTP_TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
    private static final Pattern HOST_NAME = Pattern.compile(
            "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");
    private static final List<ConfigKey<?>> KEYS = new ArrayList<ConfigKey<?>>();
    /** Keys of the OTLP push: a bad value turns the push off (never a push without its headers). */
    private static final Set<ConfigKey<?>> PUSH_KEYS = new HashSet<ConfigKey<?>>();

    public static final ConfigKey<Boolean> ENABLED = exposureKey("enabled", "true",
            "false: the agent does nothing", ConfigKey::toBoolean);
    public static final ConfigKey<String> HOST = exposureKey("host", "0.0.0.0",
            "address the endpoint binds to", ConfigKey::toHost);
    public static final ConfigKey<PortRange> PORT = exposureKey("port", "9419",
            "endpoint port; 0 = a free port; a range 9419-9429 takes the first free one (shown in the log line)",
            PortRange::parse);
    public static final ConfigKey<Long> INTERVAL = key("interval", "60s",
            "full re-probe period", ConfigKey::toMillis);
    public static final ConfigKey<Long> CLOCKSOURCE_POLL = key("clocksource-poll", "5s",
            "how often the current clocksource is re-read; a change re-probes", ConfigKey::toMillis);
    public static final ConfigKey<StartDelay> START_DELAY = key("start-delay", "auto",
            "when the registry, first probe and its proof process start after premain: auto = once the JVM's start has settled (at most 30s), 0 = at once, or a duration; /-/healthy answers \"starting\" meanwhile",
            StartDelay::parse);
    public static final ConfigKey<Boolean> EXPOSE_ADDRESS = key("expose-address", "false",
            "publish the vDSO base address (an ASLR secret)", ConfigKey::toBoolean);
    public static final ConfigKey<Set<DetectorId>> DETECTORS = key("detectors", "seccomp,rusage,latency,clocksource",
            "detectors to run", ConfigKey::toDetectors);
    public static final ConfigKey<HostDetail> HOST_DETAIL = key("host-detail", "full",
            "summary: leave the kernel's detail (vDSO symbols, per-path call cost, kernel log) to a node-mode exporter",
            raw -> {
                HostDetail detail = HostDetail.byLabel(raw);
                if (detail == null) {
                    throw new ConfigurationException("full or summary");
                }
                return detail;
            });
    public static final ConfigKey<String> LOG_LEVEL = key("log-level", "info",
            "off, error, warn, info, debug, trace", ConfigKey::toLogLevel);
    public static final ConfigKey<Boolean> INSTRUMENT = key("instrument", "true",
            "count and time the application's clock calls", ConfigKey::toBoolean);
    public static final ConfigKey<List<String>> INSTRUMENT_INCLUDE = key("instrument-include", "",
            "packages or classes to instrument; empty = all application classes", ConfigKey::toList);
    public static final ConfigKey<List<String>> INSTRUMENT_EXCLUDE = key("instrument-exclude", "",
            "packages or classes never to instrument", ConfigKey::toList);
    public static final ConfigKey<Integer> SAMPLE_EVERY = key("sample-every", "1024",
            "time 1 call in N (power of two)", ConfigKey::toPowerOfTwo);
    public static final ConfigKey<Integer> TOP_SITES = key("top-sites", "20",
            "call sites exported per-site and listed in /report", raw -> ConfigValues.toInt(raw, 0, 10000));
    public static final ConfigKey<CountMode> COUNT_MODE = key("count-mode", "exact",
            "exact or approximate (cheaper, may lose counts)", ConfigKey::toCountMode);
    public static final ConfigKey<String> BASIC_AUTH_USER = exposureKey("basic-auth-user", "",
            "require HTTP basic auth on /metrics and /report", raw -> raw);
    public static final ConfigKey<String> BASIC_AUTH_PASSWORD = exposureKey("basic-auth-password", "",
            "the basic auth password", raw -> raw);
    public static final ConfigKey<String> BASIC_AUTH_PASSWORD_FILE = exposureKey("basic-auth-password-file", "",
            "a file holding the basic auth password (a mounted Secret); wins over basic-auth-password", raw -> raw);
    public static final ConfigKey<String> TLS_KEYSTORE = exposureKey("tls-keystore", "",
            "serve HTTPS from a PKCS12/JKS keystore", raw -> raw);
    public static final ConfigKey<String> TLS_KEYSTORE_PASSWORD = exposureKey("tls-keystore-password", "",
            "the keystore's password", raw -> raw);
    public static final ConfigKey<String> TLS_KEY_FILE = exposureKey("tls-key-file", "",
            "serve HTTPS from a PEM PKCS#8 private key (with tls-cert-file), as Kubernetes mounts them", raw -> raw);
    public static final ConfigKey<String> TLS_CERT_FILE = exposureKey("tls-cert-file", "",
            "the PEM certificate chain for tls-key-file", raw -> raw);
    public static final ConfigKey<String> NATIVE_DIR = key("native-dir", "",
            "JDK 8-21 only: a writable, exec-mounted directory for jffi's stub (JDK 22+ writes nothing)", raw -> raw);
    public static final ConfigKey<String> OTLP_ENDPOINT = pushKey("otlp-endpoint", "",
            "also push the vdso_* metrics over OTLP/HTTP (protobuf) to this http(s) URL; empty = off",
            ConfigKey::toHttpUrl);
    public static final ConfigKey<Map<String, String>> OTLP_HEADERS = pushKey("otlp-headers", "",
            "headers of each OTLP export, name=value (a secret; several: comma-separated via the environment)",
            raw -> otlpHeaders(raw, ","));
    public static final ConfigKey<String> OTLP_HEADERS_FILE = pushKey("otlp-headers-file", "",
            "a file of name=value lines, headers of each OTLP export (a mounted Secret); added to otlp-headers",
            raw -> raw);
    public static final ConfigKey<Long> OTLP_INTERVAL = key("otlp-interval", "60s",
            "how often the OTLP push exports", ConfigKey::toMillis);

    /** Every key, in documentation order. */
    public static final List<ConfigKey<?>> ALL = Collections.unmodifiableList(KEYS);

    /** Turns a raw (trimmed) string into the key's value, or says why it cannot. */
    interface Parser<T> {
        T parse(String raw) throws ConfigurationException;
    }

    private final String name;
    private final String defaultText;
    private final String doc;
    private final Parser<T> parser;
    private final T defaultValue;
    private final boolean exposure;

    private ConfigKey(String name, String defaultText, String doc, Parser<T> parser, boolean exposure) {
        this.name = name;
        this.exposure = exposure;
        this.defaultText = defaultText;
        this.doc = doc;
        this.parser = parser;
        try {
            this.defaultValue = parser.parse(defaultText);
        } catch (ConfigurationException e) {
            throw new IllegalStateException("default of " + name + " is invalid", e);
        }
    }

    private static <T> ConfigKey<T> key(String name, String defaultText, String doc, Parser<T> parser) {
        ConfigKey<T> key = new ConfigKey<T>(name, defaultText, doc, parser, false);
        KEYS.add(key);
        return key;
    }

    /** A key that decides who can reach the endpoint: a bad value turns the endpoint off, never to the default. */
    private static <T> ConfigKey<T> exposureKey(String name, String defaultText, String doc, Parser<T> parser) {
        ConfigKey<T> key = new ConfigKey<T>(name, defaultText, doc, parser, true);
        KEYS.add(key);
        return key;
    }

    /** A key of the OTLP push: a bad value turns the push off, never the endpoint. */
    private static <T> ConfigKey<T> pushKey(String name, String defaultText, String doc, Parser<T> parser) {
        ConfigKey<T> key = key(name, defaultText, doc, raw -> {
            try {
                return parser.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage());
            }
        });
        PUSH_KEYS.add(key);
        return key;
    }

    /** The key with this name, or null. */
    public static ConfigKey<?> byName(String name) {
        for (ConfigKey<?> key : KEYS) {
            if (key.name.equals(name)) {
                return key;
            }
        }
        return null;
    }

    public String name() {
        return name;
    }

    /** The default as written in the documentation. */
    public String defaultText() {
        return defaultText;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    /**
     * Decides who can reach the endpoint (where it listens, auth, TLS, whether it runs): its default is
     * the widest setting, so a value that cannot be used leaves the endpoint off instead.
     */
    public boolean exposure() {
        return exposure;
    }

    /** Decides whether and how the OTLP push runs: a value that cannot be used turns the push off. */
    public boolean push() {
        return PUSH_KEYS.contains(this);
    }

    /** A password or the OTLP headers (a token): never echoed in a problem line or {@code toString}. */
    public boolean secret() {
        return name.endsWith("password") || this == OTLP_HEADERS;
    }

    /** {@code vdso.agent.<name>}. */
    public String systemProperty() {
        return SYSTEM_PROPERTY_PREFIX + name;
    }

    /** {@code VDSO_AGENT_<NAME>}, dashes as underscores. */
    public String envName() {
        return envName(name);
    }

    static String envName(String name) {
        return ENV_PREFIX + name.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    T parse(String raw) throws ConfigurationException {
        return parser.parse(raw);
    }

    @Override
    public String toString() {
        return name;
    }

    private static Boolean toBoolean(String raw) throws ConfigurationException {
        if ("true".equalsIgnoreCase(raw)) {
            return Boolean.TRUE;
        } else if ("false".equalsIgnoreCase(raw)) {
            return Boolean.FALSE;
        }
        throw new ConfigurationException("true or false");
    }

    /**
     * An IPv4 literal (four numbers 0-255), an IPv6 literal, or a host name (RFC 1123 labels). A
     * mistyped literal such as 127.0.0.300 would otherwise go to the resolver as a name.
     */
    static String toHost(String raw) throws ConfigurationException {
        if (raw.isEmpty()) {
            throw new ConfigurationException("must not be empty");
        }
        if (raw.indexOf(':') >= 0) {
            if (!IPV6.matcher(raw).matches()) {
                throw new ConfigurationException("not an IPv6 address");
            }
            return raw;
        }
        if (NUMERIC.matcher(raw).matches()) {
            String[] parts = raw.split("\\.", -1);
            if (parts.length != 4) {
                throw new ConfigurationException("an IPv4 address has four numbers");
            }
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                    throw new ConfigurationException("an IPv4 address has four numbers from 0 to 255");
                }
            }
            return raw;
        }
        if (raw.length() > 253 || !HOST_NAME.matcher(raw).matches()) {
            throw new ConfigurationException("not an IP address or host name");
        }
        return raw;
    }

    private static Integer toPowerOfTwo(String raw) throws ConfigurationException {
        int n = ConfigValues.toInt(raw, 1, 1 << 30);
        if (Integer.bitCount(n) != 1) {
            throw new ConfigurationException("must be a power of two");
        }
        return n;
    }

    /** 60s, 500ms, 2m, 1h; a bare number means seconds. */
    private static Long toMillis(String raw) throws ConfigurationException {
        Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException("a duration such as 500ms, 5s, 2m, 1h");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ConfigurationException("too large");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millis = "ms".equals(unit) ? n
                : "s".equals(unit) ? TimeUnit.SECONDS.toMillis(n)
                : "m".equals(unit) ? TimeUnit.MINUTES.toMillis(n)
                : TimeUnit.HOURS.toMillis(n);
        if (millis < 100 || millis > TimeUnit.DAYS.toMillis(1)) {
            throw new ConfigurationException("must be between 100ms and 24h");
        }
        return millis;
    }

    /** In the order given; the prober runs them in rank order anyway. */
    private static Set<DetectorId> toDetectors(String raw) throws ConfigurationException {
        Set<DetectorId> ids = new LinkedHashSet<DetectorId>();
        for (String name : toList(raw)) {
            DetectorId id = DetectorId.byLabel(name);
            if (id == null) {
                List<String> known = new ArrayList<String>();
                for (DetectorId d : EnumSet.allOf(DetectorId.class)) {
                    known.add(d.label());
                }
                throw new ConfigurationException("unknown detector " + ConfigValues.quote(name) + "; known: "
                        + String.join(",", known));
            }
            ids.add(id);
        }
        return Collections.unmodifiableSet(ids);
    }

    private static String toLogLevel(String raw) throws ConfigurationException {
        String level = raw.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new ConfigurationException("one of " + String.join(", ", LOG_LEVELS));
        }
        return level;
    }

    private static CountMode toCountMode(String raw) throws ConfigurationException {
        CountMode mode = CountMode.parse(raw);
        if (mode == null) {
            throw new ConfigurationException("exact or approximate");
        }
        return mode;
    }

    /**
     * Empty (no push), or an absolute http(s) URL with a host and nothing else: no user info (credentials
     * go in otlp-headers, which is never logged), no fragment.
     */
    private static String toHttpUrl(String raw) {
        if (raw.isEmpty()) {
            return raw;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(raw);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("an http:// or https:// URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("no user:password@ (credentials go in otlp-headers) and no #fragment");
        }
        return raw;
    }

    /**
     * OTLP headers as {@code name=value} items, split at {@code separator} (a comma in a key, a line in
     * otlp-headers-file). A value may contain '='; a name is an HTTP token; no control character in a
     * value (a newline would add a header of the sender's choosing). The message never names a value.
     */
    public static Map<String, String> otlpHeaders(String raw, String separator) {
        Map<String, String> headers = new java.util.LinkedHashMap<String, String>();
        for (String item : raw.split(separator)) {
            String pair = item.trim();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("name=value items");
            }
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (!HTTP_TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("a header name is letters, digits and !#$%&'*+.^_`|~-");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\t' && (c < 0x20 || c == 0x7f)) {
                    throw new IllegalArgumentException("a control character in a header value");
                }
            }
            headers.put(name, value);
        }
        return Collections.unmodifiableMap(headers);
    }

    private static List<String> toList(String raw) {
        List<String> items = new ArrayList<String>();
        for (String item : raw.split(",")) {
            if (!item.trim().isEmpty()) {
                items.add(item.trim());
            }
        }
        return Collections.unmodifiableList(items);
    }
}
