package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.detect.DetectorId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentArgumentsTest {
    private static final Map<String, String> NONE = Collections.emptyMap();

    static Stream<Arguments> arguments() {
        return Stream.of(
                // agent arguments, host, port, problems
                Arguments.of(null, "0.0.0.0", 9419, 0),
                Arguments.of("", "0.0.0.0", 9419, 0),
                Arguments.of("9404", "0.0.0.0", 9404, 0),
                Arguments.of("127.0.0.1:9404", "127.0.0.1", 9404, 0),
                Arguments.of("[::1]:9404", "::1", 9404, 0),
                Arguments.of("port=0", "0.0.0.0", 0, 0),
                Arguments.of("host=localhost,port=1234", "localhost", 1234, 0),
                // shorthand first, then keys
                Arguments.of("10.0.0.1:1,expose-address=true", "10.0.0.1", 1, 0),
                // regression: a list value keeps its commas and does not eat the next key
                Arguments.of("detectors=seccomp,latency,port=7", "0.0.0.0", 7, 0),
                Arguments.of("port=65536", "0.0.0.0", 9419, 1),
                Arguments.of("port=-1", "0.0.0.0", 9419, 1),
                Arguments.of("port=abc", "0.0.0.0", 9419, 1),
                Arguments.of("nonsense", "0.0.0.0", 9419, 1),
                Arguments.of("colour=blue", "0.0.0.0", 9419, 1),
                Arguments.of("host=", "0.0.0.0", 9419, 1));
    }

    @ParameterizedTest(name = "[{0}] -> {1}:{2}, {3} problem(s)")
    @MethodSource("arguments")
    void parsesAgentArguments(String args, String host, int port, int problems) {
        AgentArguments config = AgentArguments.parse(args, NONE, NONE);
        assertEquals(host, config.host());
        assertEquals(port, config.port());
        assertEquals(problems, config.problems().size(), config.problems().toString());
    }

    @Test
    void aPortRangeKeepsBothEnds() {
        AgentArguments range = AgentArguments.parse("port=9419-9429", NONE, NONE);
        assertEquals(9419, range.port());
        assertEquals(9429, range.portLast());
        AgentArguments single = AgentArguments.parse("127.0.0.1:9500", NONE, NONE);
        assertEquals(9500, single.port());
        assertEquals(9500, single.portLast());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("port", "99999", "9419"),
                Arguments.of("port", "9429-9419", "9419"),
                Arguments.of("port", "0-10", "9419"),
                Arguments.of("port", "9419-", "9419"),
                Arguments.of("interval", "soon", "60s"),
                Arguments.of("interval", "10ms", "60s"),
                Arguments.of("clocksource-poll", "-5s", "5s"),
                Arguments.of("expose-address", "yes", "false"),
                Arguments.of("detectors", "seccomp,magic", "seccomp,rusage,latency,clocksource"),
                Arguments.of("log-level", "loud", "info"),
                Arguments.of("sample-every", "1000", "1024"),
                Arguments.of("top-sites", "many", "20"),
                Arguments.of("enabled", "maybe", "true"));
    }

    @ParameterizedTest(name = "{0}=[{1}] -> default {2}")
    @MethodSource("badValues")
    void badValueIsOneLineNamingKeyValueAndDefault(String key, String value, String fallback) {
        AgentArguments config = AgentArguments.parse(key + "=" + value, NONE, NONE);
        assertEquals(1, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).startsWith(
                "bad value for " + key + " [" + value + "], using default " + fallback), config.problems().get(0));
        assertEquals(AgentArguments.parse(null, NONE, NONE).toString(), config.toString());
    }

    @Test
    void argumentsBeatSystemPropertiesBeatEnvironmentBeatDefaults() {
        Map<String, String> props = new HashMap<>();
        props.put("vdso.agent.port", "2000");
        props.put("vdso.agent.host", "10.0.0.2");
        Map<String, String> env = new HashMap<>();
        env.put("VDSO_AGENT_PORT", "3000");
        env.put("VDSO_AGENT_HOST", "10.0.0.3");
        env.put("VDSO_AGENT_EXPOSE_ADDRESS", "true");
        env.put("VDSO_AGENT_CLOCKSOURCE_POLL", "250ms");

        AgentArguments config = AgentArguments.parse("port=1000", props, env);

        assertEquals(1000, config.port());
        assertEquals("10.0.0.2", config.host());
        assertTrue(config.exposeAddress());
        assertEquals(250, config.clocksourcePollMillis());
        assertEquals(60_000, config.intervalMillis());
    }

    @Test
    void typedValues() {
        AgentArguments config = AgentArguments.parse(
                "interval=2m,detectors=latency,seccomp,instrument-include=com.acme,org.x,sample-every=64,log-level=DEBUG",
                NONE, NONE);
        assertEquals(120_000, config.intervalMillis());
        assertEquals(new LinkedHashSet<>(Arrays.asList(DetectorId.LATENCY, DetectorId.SECCOMP)), config.detectors());
        List<String> include = config.instrumentInclude();
        assertEquals(Arrays.asList("com.acme", "org.x"), include);
        assertEquals(64, config.sampleEvery());
        assertEquals("debug", config.logLevel());
        assertEquals(Collections.emptyList(), config.problems());
    }

    @Test
    void passwordsNeverAppearInLogLinesOrToString() {
        AgentArguments config = AgentArguments.parse("basic-auth-user=u,basic-auth-password=s3cret", NONE, NONE);
        assertEquals("s3cret", config.basicAuthPassword());
        assertTrue(!config.toString().contains("s3cret"), config.toString());
    }

    @Test
    void envNameUpperCasesAndReplacesDashes() {
        assertEquals("VDSO_AGENT_CLOCKSOURCE_POLL", ConfigKey.CLOCKSOURCE_POLL.envName());
    }

    /** README.md's configuration table is the user's reference: every key, each with its real default. */
    @Test
    void readmeConfigurationTableListsEveryKeyWithItsDefault() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Paths.get("..", "README.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("| key | default |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && !line.startsWith("|---")) {
                String[] cells = line.split("\\|");
                String fallback = cells[2].trim();
                fallback = "empty".equals(fallback) ? "" : fallback.replace("`", "");
                for (String key : cells[1].split("/")) {
                    documented.put(key.trim().replace("`", ""), fallback);
                }
            }
        }
        Map<String, String> table = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            table.put(key.name(), key.defaultText());
        }
        assertEquals(table, documented);
    }
}
