package io.vdsoagent.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's settings, immutable. Each key is looked up in this order: agent arguments
 * ({@code -javaagent:vdso-agent.jar=port=9419,host=127.0.0.1}, or the shorthand {@code [host:]port}),
 * system property {@code vdso.agent.<key>}, environment variable {@code VDSO_AGENT_<KEY>} (dashes become
 * underscores), default. A value that cannot be used never stops the agent: it becomes one line in
 * {@link #problems()} ("bad value for port [x], using default 9419") and the default applies.
 */
public final class AgentConfig {
    public static final String SYSTEM_PROPERTY_PREFIX = "vdso.agent.";
    public static final String ENV_PREFIX = "VDSO_AGENT_";
    public static final Set<String> DETECTORS =
            Collections.unmodifiableSet(new LinkedHashSet<String>(Arrays.asList("seccomp", "rusage", "latency", "clocksource")));
    static final Set<String> LOG_LEVELS =
            Collections.unmodifiableSet(new LinkedHashSet<String>(Arrays.asList("off", "error", "warn", "info", "debug", "trace")));

    /** {@code [host:]port}; an IPv6 host goes in brackets: {@code [::1]:9419}. */
    private static final Pattern SHORTHAND = Pattern.compile("^(?:(\\[[^\\]]+\\]|[^:\\[\\]]+):)?(\\d+)$");
    private static final Pattern DURATION = Pattern.compile("^(\\d+)\\s*(ms|s|m|h)?$");

    /** key -> default, in documentation order. */
    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<String, String>();
        d.put("enabled", "true");
        d.put("host", "0.0.0.0");
        d.put("port", "9419");
        d.put("interval", "60s");
        d.put("clocksource-poll", "5s");
        d.put("expose-address", "false");
        d.put("detectors", "seccomp,rusage,latency,clocksource");
        d.put("log-level", "info");
        d.put("instrument", "true");
        d.put("instrument-include", "");
        d.put("instrument-exclude", "");
        d.put("sample-every", "1024");
        d.put("top-sites", "20");
        d.put("count-mode", "exact");
        d.put("basic-auth-user", "");
        d.put("basic-auth-password", "");
        d.put("basic-auth-password-file", "");
        d.put("tls-keystore", "");
        d.put("tls-keystore-password", "");
        d.put("tls-key-file", "");
        d.put("tls-cert-file", "");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private final Map<String, Object> values;
    private final List<String> problems;

    private AgentConfig(Map<String, Object> values, List<String> problems) {
        this.values = Collections.unmodifiableMap(values);
        this.problems = Collections.unmodifiableList(problems);
    }

    /** Reads the agent arguments plus this JVM's system properties and environment. */
    public static AgentConfig load(String agentArgs) {
        Map<String, String> properties = new LinkedHashMap<String, String>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(SYSTEM_PROPERTY_PREFIX)) {
                properties.put(name, System.getProperty(name));
            }
        }
        return parse(agentArgs, properties, System.getenv());
    }

    /** Pure: everything it reads is passed in, so tests need no real environment. */
    static AgentConfig parse(String agentArgs, Map<String, String> systemProperties, Map<String, String> env) {
        List<String> problems = new ArrayList<String>();
        Map<String, String> args = parseArguments(agentArgs, problems);
        Map<String, Object> values = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, String> key : DEFAULTS.entrySet()) {
            String name = key.getKey();
            String raw = args.get(name);
            if (raw == null) {
                raw = systemProperties.get(SYSTEM_PROPERTY_PREFIX + name);
            }
            if (raw == null) {
                raw = env.get(envName(name));
            }
            Object value;
            try {
                value = convert(name, raw == null ? key.getValue() : raw.trim());
            } catch (ConfigurationException e) {
                problems.add(String.format("bad value for %s [%s], using default %s: %s",
                        name, isSecret(name) ? "***" : quote(raw), key.getValue(), e.getMessage()));
                value = convertDefault(name);
            }
            values.put(name, value);
        }
        return new AgentConfig(values, problems);
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
            if (!DEFAULTS.containsKey(key)) {
                problems.add(String.format("unknown key [%s] in agent arguments, ignored; known keys: %s",
                        quote(key), String.join(", ", DEFAULTS.keySet())));
                previousKey = null;
                continue;
            }
            args.put(key, value);
            previousKey = key;
        }
        return args;
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
            args.put("host", host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        }
        args.put("port", m.group(2));
    }

    static String envName(String key) {
        return ENV_PREFIX + key.replace('-', '_').toUpperCase(Locale.ROOT);
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

    private static boolean isSecret(String key) {
        return key.endsWith("password");
    }

    private static Object convertDefault(String key) {
        try {
            return convert(key, DEFAULTS.get(key));
        } catch (ConfigurationException e) {
            throw new IllegalStateException("default of " + key + " is invalid", e);
        }
    }

    private static Object convert(String key, String raw) throws ConfigurationException {
        if ("enabled".equals(key) || "expose-address".equals(key) || "instrument".equals(key)) {
            return toBoolean(raw);
        } else if ("port".equals(key)) {
            return toPorts(raw);
        } else if ("interval".equals(key) || "clocksource-poll".equals(key)) {
            return toMillis(raw);
        } else if ("sample-every".equals(key)) {
            int n = toInt(raw, 1, 1 << 30);
            if (Integer.bitCount(n) != 1) {
                throw new ConfigurationException("must be a power of two");
            }
            return n;
        } else if ("top-sites".equals(key)) {
            return toInt(raw, 0, 10000);
        } else if ("detectors".equals(key)) {
            return toDetectors(raw);
        } else if ("log-level".equals(key)) {
            String level = raw.toLowerCase(Locale.ROOT);
            if (!LOG_LEVELS.contains(level)) {
                throw new ConfigurationException("one of " + String.join(", ", LOG_LEVELS));
            }
            return level;
        } else if ("instrument-include".equals(key) || "instrument-exclude".equals(key)) {
            return toList(raw);
        } else if ("count-mode".equals(key)) {
            String mode = raw.toLowerCase(Locale.ROOT);
            if (!"exact".equals(mode) && !"approximate".equals(mode)) {
                throw new ConfigurationException("exact or approximate");
            }
            return mode;
        } else if ("host".equals(key)) {
            if (raw.isEmpty()) {
                throw new ConfigurationException("must not be empty");
            }
            return raw;
        }
        return raw;
    }

    /** 9419, or a range 9419-9429 (the first free one is used); kept as text, read by port()/portLast(). */
    private static String toPorts(String raw) throws ConfigurationException {
        int dash = raw.indexOf('-');
        if (dash < 0) {
            return Integer.toString(toInt(raw, 0, 65535));
        }
        int first = toInt(raw.substring(0, dash).trim(), 1, 65535);
        int last = toInt(raw.substring(dash + 1).trim(), 1, 65535);
        if (first > last) {
            throw new ConfigurationException("a range runs from low to high");
        }
        return first == last ? Integer.toString(first) : first + "-" + last;
    }

    private static Boolean toBoolean(String raw) throws ConfigurationException {
        if ("true".equalsIgnoreCase(raw)) {
            return Boolean.TRUE;
        } else if ("false".equalsIgnoreCase(raw)) {
            return Boolean.FALSE;
        }
        throw new ConfigurationException("true or false");
    }

    private static Integer toInt(String raw, int min, int max) throws ConfigurationException {
        long n;
        try {
            n = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("not a number");
        }
        if (n < min || n > max) {
            throw new ConfigurationException("must be between " + min + " and " + max);
        }
        return (int) n;
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

    private static Set<String> toDetectors(String raw) throws ConfigurationException {
        Set<String> names = new LinkedHashSet<String>(toList(raw));
        for (String name : names) {
            if (!DETECTORS.contains(name)) {
                throw new ConfigurationException("unknown detector " + quote(name) + "; known: " + String.join(",", DETECTORS));
            }
        }
        return Collections.unmodifiableSet(names);
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

    /** One line per unusable value or argument, ready to log. */
    public List<String> problems() {
        return problems;
    }

    public boolean enabled() {
        return getBoolean("enabled");
    }

    public String host() {
        return getString("host");
    }

    /** The port, or the first of the range. */
    public int port() {
        String ports = getString("port");
        int dash = ports.indexOf('-');
        return Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
    }

    /** The last port of the range ({@link #port()} for a single port). */
    public int portLast() {
        String ports = getString("port");
        int dash = ports.indexOf('-');
        return dash < 0 ? port() : Integer.parseInt(ports.substring(dash + 1));
    }

    public long intervalMillis() {
        return getMillis("interval");
    }

    public long clocksourcePollMillis() {
        return getMillis("clocksource-poll");
    }

    /** The vDSO base address is an ASLR secret for whoever can read the metrics: off by default. */
    public boolean exposeAddress() {
        return getBoolean("expose-address");
    }

    @SuppressWarnings("unchecked")
    public Set<String> detectors() {
        return (Set<String>) values.get("detectors");
    }

    public String logLevel() {
        return getString("log-level");
    }

    public boolean instrument() {
        return getBoolean("instrument");
    }

    public List<String> instrumentInclude() {
        return getList("instrument-include");
    }

    public List<String> instrumentExclude() {
        return getList("instrument-exclude");
    }

    public int sampleEvery() {
        return getInt("sample-every");
    }

    public int topSites() {
        return getInt("top-sites");
    }

    /** exact (per-thread counters) or approximate (a shared plain counter, cheaper, may lose counts). */
    public String countMode() {
        return getString("count-mode");
    }

    public String basicAuthUser() {
        return getString("basic-auth-user");
    }

    public String basicAuthPassword() {
        return getString("basic-auth-password");
    }

    public boolean getBoolean(String key) {
        return (Boolean) value(key);
    }

    public int getInt(String key) {
        return (Integer) value(key);
    }

    public long getMillis(String key) {
        return (Long) value(key);
    }

    public String getString(String key) {
        return (String) value(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) value(key);
    }

    private Object value(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("unknown configuration key " + key);
        }
        return value;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<String, Object>(values);
        for (String key : values.keySet()) {
            if (isSecret(key) && !"".equals(values.get(key))) {
                shown.put(key, "***");
            }
        }
        return "AgentConfig" + shown;
    }
}
