package io.vdsoagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                // agent arguments, host, port, problems, endpoint refused
                Arguments.of(null, "0.0.0.0", 9419, 0, false),
                Arguments.of("", "0.0.0.0", 9419, 0, false),
                Arguments.of("9404", "0.0.0.0", 9404, 0, false),
                Arguments.of("127.0.0.1:9404", "127.0.0.1", 9404, 0, false),
                Arguments.of("[::1]:9404", "::1", 9404, 0, false),
                Arguments.of("port=0", "0.0.0.0", 0, 0, false),
                Arguments.of("host=localhost,port=1234", "localhost", 1234, 0, false),
                // jmx_exporter's [host:]port:config: listens there, the config file is a one-line note
                Arguments.of("127.0.0.1:9400:config.yaml", "127.0.0.1", 9400, 1, false),
                Arguments.of("9400:/opt/jmx/config.yaml", "0.0.0.0", 9400, 1, false),
                Arguments.of("[::1]:9400:c.yaml,instrument=false", "::1", 9400, 1, false),
                // shorthand first, then keys
                Arguments.of("10.0.0.1:1,expose-address=true", "10.0.0.1", 1, 0, false),
                // regression: a list value keeps its commas and does not eat the next key
                Arguments.of("detectors=seccomp,latency,port=7", "0.0.0.0", 7, 0, false),
                // fail closed: the endpoint stays off (the values shown are the unused defaults)
                Arguments.of("port=65536", "0.0.0.0", 9419, 1, true),
                Arguments.of("port=-1", "0.0.0.0", 9419, 1, true),
                Arguments.of("port=abc", "0.0.0.0", 9419, 1, true),
                Arguments.of("nonsense", "0.0.0.0", 9419, 1, true),
                Arguments.of("127.0.0.1:94OO", "0.0.0.0", 9419, 1, true),
                Arguments.of("colour=blue", "0.0.0.0", 9419, 1, true),
                Arguments.of("hots=127.0.0.1", "0.0.0.0", 9419, 1, true),
                Arguments.of("host=", "0.0.0.0", 9419, 1, true),
                Arguments.of("host=127.0.0.300", "0.0.0.0", 9419, 1, true),
                Arguments.of("host=127.0.0.1.", "0.0.0.0", 9419, 1, true),
                Arguments.of("host=my host", "0.0.0.0", 9419, 1, true),
                Arguments.of("host=::g", "0.0.0.0", 9419, 1, true),
                Arguments.of("enabled=flase", "0.0.0.0", 9419, 1, true),
                Arguments.of("basic-auth-user=u", "0.0.0.0", 9419, 1, true),
                Arguments.of("basic-auth-password=p", "0.0.0.0", 9419, 1, true),
                Arguments.of("basic-auth-password-file=/p", "0.0.0.0", 9419, 1, true),
                Arguments.of("tls-keystore-password=p", "0.0.0.0", 9419, 1, true),
                Arguments.of("tls-key-file=/k", "0.0.0.0", 9419, 1, true),
                Arguments.of("tls-cert-file=/c", "0.0.0.0", 9419, 1, true),
                // complete pairs are fine
                Arguments.of("basic-auth-user=u,basic-auth-password-file=/p,tls-key-file=/k,tls-cert-file=/c",
                        "0.0.0.0", 9419, 0, false),
                // a bad value of a key that does not govern exposure: the default, the endpoint stays on
                Arguments.of("interval=soon", "0.0.0.0", 9419, 1, false));
    }

    @ParameterizedTest(name = "[{0}] -> {1}:{2}, {3} problem(s), endpoint refused {4}")
    @MethodSource("arguments")
    void parsesAgentArguments(String args, String host, int port, int problems, boolean refused) {
        AgentArguments config = AgentArguments.parse(args, NONE, NONE);
        assertEquals(host, config.host());
        assertEquals(port, config.port());
        assertEquals(problems, config.problems().size(), config.problems().toString());
        assertEquals(refused, config.endpointRefused(), config.refusals().toString());
    }

    @Test
    void unknownPropertyOrEnvironmentKeyRefusesTheEndpointButTheTestRootHookIsKnown() {
        Map<String, String> props = new HashMap<>();
        props.put("vdso.agent.test-root", "/tmp/x");
        props.put("vdso.agent.port", "1000");
        assertFalse(AgentArguments.parse(null, props, NONE).endpointRefused());
        props.put("vdso.agent.hots", "127.0.0.1");
        AgentArguments typoProperty = AgentArguments.parse(null, props, NONE);
        assertTrue(typoProperty.endpointRefused());
        assertEquals("hots", typoProperty.refusals().get(0).key());
        assertTrue(typoProperty.problems().get(0).startsWith("unknown system property vdso.agent.hots, metrics endpoint OFF"),
                typoProperty.problems().toString());
        Map<String, String> env = new HashMap<>();
        env.put("VDSO_AGENT_BASIC_AUTH_USR", "u");
        env.put("VDSO_AGENT_PORT", "1000");
        AgentArguments typoEnv = AgentArguments.parse(null, NONE, env);
        assertTrue(typoEnv.endpointRefused());
        assertEquals(1, typoEnv.refusals().size(), typoEnv.refusals().toString());
    }

    /** A Service named vdso-agent gives every pod of its namespace these (enableServiceLinks): not ours. */
    @Test
    void kubernetesServiceLinksAreNotConfiguration() {
        Map<String, String> env = new HashMap<>();
        env.put("VDSO_AGENT_PORT", "tcp://10.96.0.12:9419");
        env.put("VDSO_AGENT_SERVICE_HOST", "10.96.0.12");
        env.put("VDSO_AGENT_SERVICE_PORT", "9419");
        env.put("VDSO_AGENT_SERVICE_PORT_METRICS", "9419");
        env.put("VDSO_AGENT_PORT_9419_TCP", "tcp://10.96.0.12:9419");
        env.put("VDSO_AGENT_PORT_9419_TCP_PROTO", "tcp");
        env.put("VDSO_AGENT_PORT_9419_TCP_PORT", "9419");
        env.put("VDSO_AGENT_PORT_9419_TCP_ADDR", "10.96.0.12");
        AgentArguments config = AgentArguments.parse("host=127.0.0.1", NONE, env);
        assertEquals(Collections.emptyList(), config.problems());
        assertEquals(9419, config.port());
        assertFalse(config.endpointRefused());
        env.put("VDSO_AGENT_PORT", "9500");
        assertEquals(9500, AgentArguments.parse(null, NONE, env).port(), "a plain number is ours");
    }

    @Test
    void exposureRefusalsNameTheKeyNeverThePassword() {
        AgentArguments config = AgentArguments.parse("basic-auth-password=s3cret", NONE, NONE);
        assertEquals(Arrays.asList("basic-auth-password set without basic-auth-user, metrics endpoint OFF (fail closed)"),
                config.problems());
        assertEquals(Refusal.Effect.ENDPOINT_OFF, config.refusals().get(0).effect());
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
                Arguments.of("interval", "soon", "60s"),
                Arguments.of("interval", "10ms", "60s"),
                Arguments.of("clocksource-poll", "-5s", "5s"),
                Arguments.of("expose-address", "yes", "false"),
                Arguments.of("detectors", "seccomp,magic", "seccomp,rusage,latency,clocksource"),
                Arguments.of("log-level", "loud", "info"),
                Arguments.of("sample-every", "1000", "1024"),
                Arguments.of("top-sites", "many", "20"));
    }

    static Stream<Arguments> badExposureValues() {
        return Stream.of(
                Arguments.of("port", "99999"),
                Arguments.of("port", "9429-9419"),
                Arguments.of("port", "0-10"),
                Arguments.of("port", "9419-"),
                Arguments.of("host", "10.0.0.1:9419"),
                Arguments.of("enabled", "maybe"));
    }

    @ParameterizedTest(name = "{0}=[{1}] -> endpoint off")
    @MethodSource("badExposureValues")
    void badExposureValueIsOneLineAndTheEndpointOff(String key, String value) {
        AgentArguments config = AgentArguments.parse(key + "=" + value, NONE, NONE);
        assertEquals(1, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).startsWith(
                "bad value for " + key + " [" + value + "], metrics endpoint OFF (fail closed): "), config.problems().get(0));
        assertTrue(config.endpointRefused());
        assertEquals(key, config.refusals().get(0).key());
    }

    @ParameterizedTest(name = "{0}=[{1}] -> default {2}")
    @MethodSource("badValues")
    void badValueIsOneLineNamingKeyValueAndDefault(String key, String value, String fallback) {
        AgentArguments config = AgentArguments.parse(key + "=" + value, NONE, NONE);
        assertEquals(1, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).startsWith(
                "bad value for " + key + " [" + value + "], using default " + fallback), config.problems().get(0));
        assertEquals(AgentArguments.parse(null, NONE, NONE).toString(), config.toString());
        assertFalse(config.endpointRefused());
        assertEquals(Refusal.Effect.DEFAULT_USED, config.refusals().get(0).effect());
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
