package io.vdsoagent.agent;

import io.vdsoagent.agent.instrument.CountMode;
import io.vdsoagent.agent.instrument.InstrumentSettings;
import io.vdsoagent.detect.DetectorId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's settings, immutable, one typed value per {@link ConfigKey}. Each key is looked up in this
 * order: agent arguments ({@code -javaagent:vdso-agent.jar=port=9419,host=127.0.0.1}, or the shorthand
 * {@code [host:]port}), system property {@code vdso.agent.<key>}, environment variable
 * {@code VDSO_AGENT_<KEY>} (dashes become underscores), default. A value that cannot be used never stops
 * the agent: it becomes one line in {@link #problems()} ("bad value for port [x], using default 9419")
 * and the default applies.
 */
public final class AgentArguments {
    /** {@code [host:]port}; an IPv6 host goes in brackets: {@code [::1]:9419}. */
    private static final Pattern SHORTHAND = Pattern.compile("^(?:(\\[[^\\]]+\\]|[^:\\[\\]]+):)?(\\d+)$");

    private final Map<ConfigKey<?>, Object> values;
    private final List<String> problems;

    private AgentArguments(Map<ConfigKey<?>, Object> values, List<String> problems) {
        this.values = values;
        this.problems = Collections.unmodifiableList(problems);
    }

    /** Reads the agent arguments plus this JVM's system properties and environment. */
    public static AgentArguments load(String agentArgs) {
        Map<String, String> properties = new LinkedHashMap<String, String>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(ConfigKey.SYSTEM_PROPERTY_PREFIX)) {
                properties.put(name, System.getProperty(name));
            }
        }
        return parse(agentArgs, properties, System.getenv());
    }

    /** Pure: everything it reads is passed in, so tests need no real environment. */
    static AgentArguments parse(String agentArgs, Map<String, String> systemProperties, Map<String, String> env) {
        List<String> problems = new ArrayList<String>();
        Map<String, String> args = parseArguments(agentArgs, problems);
        Map<ConfigKey<?>, Object> values = new IdentityHashMap<ConfigKey<?>, Object>();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            String raw = args.get(key.name());
            if (raw == null) {
                raw = systemProperties.get(key.systemProperty());
            }
            if (raw == null) {
                raw = env.get(key.envName());
            }
            Object value;
            try {
                value = raw == null ? key.defaultValue() : key.parse(raw.trim());
            } catch (ConfigurationException e) {
                problems.add(String.format("bad value for %s [%s], using default %s: %s",
                        key.name(), key.secret() ? "***" : quote(raw), key.defaultText(), e.getMessage()));
                value = key.defaultValue();
            }
            values.put(key, value);
        }
        return new AgentArguments(values, problems);
    }

    /**
     * {@code key=value} pairs separated by commas. A list value may contain commas itself
     * ({@code detectors=seccomp,rusage}): a piece without '=' continues the previous value. A first
     * piece without '=' is the jmx_exporter-style {@code [host:]port} shorthand.
     */
    static Map<String, String> parseArguments(String agentArgs, List<String> problems) {
        Map<String, String> args = new LinkedHashMap<String, String>();
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return args;
        }
        String previousKey = null;
        String[] pieces = agentArgs.split(",", -1);
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i].trim();
            int eq = piece.indexOf('=');
            if (eq < 0) {
                if (i == 0) {
                    shorthand(piece, args, problems);
                } else if (previousKey != null) {
                    args.put(previousKey, args.get(previousKey) + "," + piece);
                }
                continue;
            }
            String key = piece.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = piece.substring(eq + 1).trim();
            if (ConfigKey.byName(key) == null) {
                problems.add(String.format("unknown key [%s] in agent arguments, ignored; known keys: %s",
                        quote(key), String.join(", ", names())));
                previousKey = null;
                continue;
            }
            args.put(key, value);
            previousKey = key;
        }
        return args;
    }

    private static List<String> names() {
        List<String> names = new ArrayList<String>();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            names.add(key.name());
        }
        return names;
    }

    private static void shorthand(String piece, Map<String, String> args, List<String> problems) {
        if (piece.isEmpty()) {
            return;
        }
        Matcher m = SHORTHAND.matcher(piece);
        if (!m.matches()) {
            problems.add(String.format("bad agent argument [%s], expected [host:]port or key=value, ignored",
                    quote(piece)));
            return;
        }
        if (m.group(1) != null) {
            String host = m.group(1);
            args.put(ConfigKey.HOST.name(), host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        }
        args.put(ConfigKey.PORT.name(), m.group(2));
    }

    /**
     * A user-supplied value inside a problem line: at most 60 characters, control characters shown
     * as '?'. Each problem is logged as one line; a newline in a property or environment value must
     * not break it (or forge a line that looks like ours).
     */
    static String quote(String raw) {
        String s = raw.length() <= 60 ? raw : raw.substring(0, 60) + "...";
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /** The value of a key: its own type, never null. */
    public <T> T get(ConfigKey<T> key) {
        @SuppressWarnings("unchecked") // put by parse() under the same key, from that key's parser
        T value = (T) values.get(key);
        return value;
    }

    /** One line per unusable value or argument, ready to log. */
    public List<String> problems() {
        return problems;
    }

    public boolean enabled() {
        return get(ConfigKey.ENABLED);
    }

    public String host() {
        return get(ConfigKey.HOST);
    }

    /** The port, or the first of the range. */
    public int port() {
        return get(ConfigKey.PORT).first();
    }

    /** The last port of the range ({@link #port()} for a single port). */
    public int portLast() {
        return get(ConfigKey.PORT).last();
    }

    public long intervalMillis() {
        return get(ConfigKey.INTERVAL);
    }

    public long clocksourcePollMillis() {
        return get(ConfigKey.CLOCKSOURCE_POLL);
    }

    /** The vDSO base address is an ASLR secret for whoever can read the metrics: off by default. */
    public boolean exposeAddress() {
        return get(ConfigKey.EXPOSE_ADDRESS);
    }

    public Set<DetectorId> detectors() {
        return get(ConfigKey.DETECTORS);
    }

    public String logLevel() {
        return get(ConfigKey.LOG_LEVEL);
    }

    public boolean instrument() {
        return get(ConfigKey.INSTRUMENT);
    }

    public List<String> instrumentInclude() {
        return get(ConfigKey.INSTRUMENT_INCLUDE);
    }

    public List<String> instrumentExclude() {
        return get(ConfigKey.INSTRUMENT_EXCLUDE);
    }

    public int sampleEvery() {
        return get(ConfigKey.SAMPLE_EVERY);
    }

    public int topSites() {
        return get(ConfigKey.TOP_SITES);
    }

    /** exact (per-thread counters) or approximate (per-site counters striped by thread, cheaper, may lose counts). */
    public CountMode countMode() {
        return get(ConfigKey.COUNT_MODE);
    }

    public String basicAuthUser() {
        return get(ConfigKey.BASIC_AUTH_USER);
    }

    public String basicAuthPassword() {
        return get(ConfigKey.BASIC_AUTH_PASSWORD);
    }

    public String tlsKeystore() {
        return get(ConfigKey.TLS_KEYSTORE);
    }

    public String tlsKeystorePassword() {
        return get(ConfigKey.TLS_KEYSTORE_PASSWORD);
    }

    public String basicAuthPasswordFile() {
        return get(ConfigKey.BASIC_AUTH_PASSWORD_FILE);
    }

    public String tlsKeyFile() {
        return get(ConfigKey.TLS_KEY_FILE);
    }

    public String tlsCertFile() {
        return get(ConfigKey.TLS_CERT_FILE);
    }

    /** Empty: no directory beyond the ones native access tries anyway. */
    public String nativeDir() {
        return get(ConfigKey.NATIVE_DIR);
    }

    /** Empty: no OTLP push. */
    public String otlpEndpoint() {
        return get(ConfigKey.OTLP_ENDPOINT);
    }

    public Map<String, String> otlpHeaders() {
        return get(ConfigKey.OTLP_HEADERS);
    }

    /** The instrumentation's settings, from the typed values. */
    public InstrumentSettings instrumentSettings() {
        return new InstrumentSettings(instrument(), instrumentInclude(), instrumentExclude(), sampleEvery(),
                topSites(), countMode());
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<String, Object>();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            Object value = values.get(key);
            if (key.secret() && !"".equals(value)) {
                value = "***";
            } else if (value instanceof CountMode) {
                value = ((CountMode) value).name().toLowerCase(Locale.ROOT);
            } else if (key == ConfigKey.DETECTORS) {
                List<String> labels = new ArrayList<String>();
                for (DetectorId id : detectors()) {
                    labels.add(id.label());
                }
                value = labels;
            }
            shown.put(key.name(), value);
        }
        return "AgentArguments" + shown;
    }
}
