package io.vdsoagent.agent.config;

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
 * order: agent arguments ({@code -javaagent:vdso-agent.jar=port=9419,host=127.0.0.1}, or jmx_exporter's
 * shorthand {@code [host:]port[:config]}), system property {@code vdso.agent.<key>}, environment variable
 * {@code VDSO_AGENT_<KEY>} (dashes become underscores), default. A value that cannot be used never stops
 * the agent: it becomes one line in {@link #problems()} and a {@link Refusal}. Fail closed: for a key that
 * decides who can reach the endpoint, an unknown key (a typo may have dropped one) or a bad shorthand, the
 * endpoint stays off ({@link #endpointRefused()}); for any other key the default applies.
 */
public final class AgentArguments {
    /**
     * jmx_exporter's {@code [host:]port[:config]}; an IPv6 host goes in brackets: {@code [::1]:9419}. The
     * config file is jmx_exporter's own and means nothing here.
     */
    private static final Pattern SHORTHAND =
            Pattern.compile("^(?:(\\[[^\\]]+\\]|[^:\\[\\]]+):)?(\\d+)(?::(.*))?$");
    /**
     * Kubernetes' service links for a Service named {@code vdso-agent} in the pod's namespace
     * (enableServiceLinks, on by default): {@code VDSO_AGENT_SERVICE_HOST}, {@code VDSO_AGENT_PORT_9419_TCP},
     * ... and {@code VDSO_AGENT_PORT=tcp://10.0.0.1:9419}. Set by the cluster, not by the user: not ours.
     */
    private static final Pattern SERVICE_LINK_NAME = Pattern.compile(
            "^VDSO_AGENT_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)$");
    private static final Pattern SERVICE_LINK_VALUE = Pattern.compile("^(tcp|udp|sctp)://");
    /** What the shorthand is called in problem lines and refusals. */
    static final String SHORTHAND_NAME = "[host:]port";

    private final Map<ConfigKey<?>, Object> values;
    private final List<String> problems;
    private final List<Refusal> refusals;

    private AgentArguments(Map<ConfigKey<?>, Object> values, List<String> problems, List<Refusal> refusals) {
        this.values = values;
        this.problems = Collections.unmodifiableList(problems);
        this.refusals = Collections.unmodifiableList(refusals);
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
    public static AgentArguments parse(String agentArgs, Map<String, String> systemProperties, Map<String, String> env) {
        List<String> problems = new ArrayList<String>();
        List<Refusal> refusals = new ArrayList<Refusal>();
        Map<String, String> args = parseArguments(agentArgs, problems, refusals);
        unknownProperties(systemProperties, problems, refusals);
        unknownEnvironment(env, problems, refusals);
        Map<ConfigKey<?>, Object> values = new IdentityHashMap<ConfigKey<?>, Object>();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            String raw = args.get(key.name());
            if (raw == null) {
                raw = systemProperties.get(key.systemProperty());
            }
            if (raw == null) {
                raw = env.get(key.envName());
                if (raw != null && SERVICE_LINK_VALUE.matcher(raw).find()) {
                    raw = null; // VDSO_AGENT_PORT=tcp://...: a Kubernetes service link, see SERVICE_LINK_NAME
                }
            }
            Object value;
            try {
                value = raw == null ? key.defaultValue() : key.parse(raw.trim());
            } catch (ConfigurationException e) {
                String shown = key.secret() ? "***" : quote(raw);
                if (key.exposure()) {
                    problems.add(String.format("bad value for %s [%s], metrics endpoint OFF (fail closed): %s",
                            key.name(), shown, e.getMessage()));
                    refusals.add(new Refusal(key.name(), e.getMessage(), Refusal.Effect.ENDPOINT_OFF));
                } else if (key.push()) {
                    problems.add(String.format("bad value for %s [%s], OTLP push OFF (fail closed): %s",
                            key.name(), shown, e.getMessage()));
                    refusals.add(new Refusal(key.name(), e.getMessage(), Refusal.Effect.PUSH_OFF));
                } else {
                    problems.add(String.format("bad value for %s [%s], using default %s: %s",
                            key.name(), shown, key.defaultText(), e.getMessage()));
                    refusals.add(new Refusal(key.name(), e.getMessage(), Refusal.Effect.DEFAULT_USED));
                }
                value = key.defaultValue();
            }
            values.put(key, value);
        }
        AgentArguments parsed = new AgentArguments(values, problems, refusals);
        parsed.checkPairs(problems, refusals);
        return parsed;
    }

    /**
     * Settings that only make sense together: half of a pair would serve with less protection than was
     * asked for (a password without a user turns auth off; a keystore password without a keystore, plain
     * HTTP), so the endpoint stays off. Runs on the typed values; the lists are the ones this instance holds.
     */
    private void checkPairs(List<String> problems, List<Refusal> refusals) {
        boolean user = !basicAuthUser().isEmpty();
        boolean password = !basicAuthPassword().isEmpty() || !basicAuthPasswordFile().isEmpty();
        if (user && !password) {
            pairMissing(ConfigKey.BASIC_AUTH_USER, "basic-auth-password or basic-auth-password-file", problems, refusals);
        } else if (password && !user) {
            pairMissing(!basicAuthPasswordFile().isEmpty() ? ConfigKey.BASIC_AUTH_PASSWORD_FILE
                    : ConfigKey.BASIC_AUTH_PASSWORD, "basic-auth-user", problems, refusals);
        }
        if (!tlsKeyFile().isEmpty() && tlsCertFile().isEmpty()) {
            pairMissing(ConfigKey.TLS_KEY_FILE, "tls-cert-file", problems, refusals);
        } else if (tlsKeyFile().isEmpty() && !tlsCertFile().isEmpty()) {
            pairMissing(ConfigKey.TLS_CERT_FILE, "tls-key-file", problems, refusals);
        }
        if (!tlsKeystorePassword().isEmpty() && tlsKeystore().isEmpty()) {
            pairMissing(ConfigKey.TLS_KEYSTORE_PASSWORD, "tls-keystore", problems, refusals);
        }
    }

    private static void pairMissing(ConfigKey<?> given, String missing, List<String> problems, List<Refusal> refusals) {
        String reason = "set without " + missing;
        problems.add(String.format("%s %s, metrics endpoint OFF (fail closed)", given.name(), reason));
        refusals.add(new Refusal(given.name(), reason, Refusal.Effect.ENDPOINT_OFF));
    }

    /** {@code vdso.agent.<typo>}: it may have been meant as an exposure key. The test-root hook is known. */
    private static void unknownProperties(Map<String, String> systemProperties, List<String> problems,
                                          List<Refusal> refusals) {
        for (String name : systemProperties.keySet()) {
            if (!name.startsWith(ConfigKey.SYSTEM_PROPERTY_PREFIX) || TestRoot.PROPERTY.equals(name)) {
                continue;
            }
            String key = name.substring(ConfigKey.SYSTEM_PROPERTY_PREFIX.length());
            if (ConfigKey.byName(key) == null) {
                unknown("system property " + quote(name), key, problems, refusals);
            }
        }
    }

    private static void unknownEnvironment(Map<String, String> env, List<String> problems, List<Refusal> refusals) {
        for (String name : env.keySet()) {
            if (!name.startsWith(ConfigKey.ENV_PREFIX) || SERVICE_LINK_NAME.matcher(name).matches()) {
                continue;
            }
            boolean known = false;
            for (ConfigKey<?> key : ConfigKey.ALL) {
                known |= key.envName().equals(name);
            }
            if (!known) {
                unknown("environment variable " + quote(name), name, problems, refusals);
            }
        }
    }

    private static void unknown(String where, String key, List<String> problems, List<Refusal> refusals) {
        problems.add(String.format("unknown %s, metrics endpoint OFF (fail closed: a typo may have dropped a "
                + "host, port, TLS or auth setting); known keys: %s", where, String.join(", ", names())));
        refusals.add(new Refusal(quote(key), "unknown key", Refusal.Effect.ENDPOINT_OFF));
    }

    /**
     * {@code key=value} pairs separated by commas. A list value may contain commas itself
     * ({@code detectors=seccomp,rusage}): a piece without '=' continues the previous value. A first
     * piece without '=' is the jmx_exporter-style {@code [host:]port[:config]} shorthand.
     */
    static Map<String, String> parseArguments(String agentArgs, List<String> problems, List<Refusal> refusals) {
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
                    shorthand(piece, args, problems, refusals);
                } else if (previousKey != null) {
                    args.put(previousKey, args.get(previousKey) + "," + piece);
                }
                continue;
            }
            String key = piece.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = piece.substring(eq + 1).trim();
            if (ConfigKey.byName(key) == null) {
                unknown("key [" + quote(key) + "] in agent arguments", key, problems, refusals);
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

    private static void shorthand(String piece, Map<String, String> args, List<String> problems,
                                  List<Refusal> refusals) {
        if (piece.isEmpty()) {
            return;
        }
        Matcher m = SHORTHAND.matcher(piece);
        if (!m.matches()) {
            problems.add(String.format("bad agent argument [%s], expected %s[:config] or key=value, "
                    + "metrics endpoint OFF (fail closed)", quote(piece), SHORTHAND_NAME));
            refusals.add(new Refusal(SHORTHAND_NAME, "not " + SHORTHAND_NAME + "[:config] or key=value",
                    Refusal.Effect.ENDPOINT_OFF));
            return;
        }
        if (m.group(1) != null) {
            String host = m.group(1);
            args.put(ConfigKey.HOST.name(), host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        }
        args.put(ConfigKey.PORT.name(), m.group(2));
        if (m.group(3) != null) {
            problems.add(String.format("jmx_exporter config [%s] ignored: vdso-agent needs none (listening on "
                    + "the host and port given)", quote(m.group(3))));
        }
    }

    /**
     * A user-supplied value inside a problem line: at most 60 characters, control characters shown
     * as '?'. Each problem is logged as one line; a newline in a property or environment value must
     * not break it (or forge a line that looks like ours).
     */
    static String quote(String raw) {
        return ConfigValues.quote(raw);
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

    /** Every value not used, with what was done instead; in the order found. */
    public List<Refusal> refusals() {
        return refusals;
    }

    /** True when a refusal keeps the endpoint off: nothing listens, whatever the other keys say. */
    public boolean endpointRefused() {
        for (Refusal r : refusals) {
            if (r.effect() == Refusal.Effect.ENDPOINT_OFF) {
                return true;
            }
        }
        return false;
    }

    /** True when a refusal keeps the OTLP push off (a bad otlp-* value). */
    public boolean pushRefused() {
        for (Refusal r : refusals) {
            if (r.effect() == Refusal.Effect.PUSH_OFF) {
                return true;
            }
        }
        return false;
    }

    public boolean enabled() {
        return get(ConfigKey.ENABLED);
    }

    public String host() {
        return get(ConfigKey.HOST);
    }

    /** Where the endpoint may listen: one port or a range, first free wins. */
    public PortRange ports() {
        return get(ConfigKey.PORT);
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
            if (key.secret() && !"".equals(value) && !Collections.emptyMap().equals(value)) {
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
