package io.vdsoagent.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Which vdso-agent this is: the version and git revision written into {@code build-info.properties} at
 * build time (agent/pom.xml), and the JDK it runs on. Published as {@code vdso_agent_build_info 1} with
 * the three as labels, shown in {@code /report}, the start-up line and {@code --version}.
 */
public final class BuildInfo {
    static final String RESOURCE = "/io/vdsoagent/agent/build-info.properties";
    private static final BuildInfo CURRENT = load();

    private final String version;
    private final String revision;
    private final String jdk;

    BuildInfo(String version, String revision, String jdk) {
        this.version = orUnknown(version);
        this.revision = orUnknown(revision);
        this.jdk = orUnknown(jdk);
    }

    public static BuildInfo current() {
        return CURRENT;
    }

    /** A missing or unreadable resource gives "unknown" values, never an exception. */
    static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException | RuntimeException e) {
            properties.clear();
        }
        return new BuildInfo(properties.getProperty("version"), properties.getProperty("revision"),
                System.getProperty("java.version"));
    }

    public String version() {
        return version;
    }

    public String revision() {
        return revision;
    }

    /** {@code java.version} of the JVM the agent runs in. */
    public String jdk() {
        return jdk;
    }

    /** {@code vdso-agent 0.1.0 (revision 1a2b3c4d5e6f, JDK 17.0.15)}. */
    public String describe() {
        return "vdso-agent " + version + " (revision " + revision + ", JDK " + jdk + ")";
    }

    /** The {@code "agent"} object of /report. */
    public String json() {
        return "{\"version\":\"" + escape(version) + "\",\"revision\":\"" + escape(revision)
                + "\",\"jdk\":\"" + escape(jdk) + "\"}";
    }

    public void bindTo(MeterRegistry registry) {
        Gauge.builder("vdso.agent.build.info", () -> 1)
                .tag("version", version)
                .tag("revision", revision)
                .tag("jdk", jdk)
                .description("Always 1; the labels say which vdso-agent build runs on which JDK.")
                .register(registry);
    }

    private static String orUnknown(String value) {
        return value == null || value.trim().isEmpty() || value.startsWith("${") ? "unknown" : value.trim();
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
