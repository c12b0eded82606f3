package io.vdsoagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vdsoagent.detect.DetectorId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whatever arrives as agent arguments, system properties or environment, {@link AgentArguments} never
 * throws (premain must not fail), every typed value is inside its documented range (a bad value
 * falls back to the default), every problem is exactly one log line, and a password is never echoed.
 */
class FuzzAgentArgsTest {
    private static final List<String> KEYS = names();

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            names.add(key.name());
        }
        return names;
    }

    @FuzzTest(maxDuration = "60s")
    void parse(FuzzedDataProvider data) {
        Map<String, String> properties = new HashMap<>();
        Map<String, String> env = new HashMap<>();
        String secret = "Pw-" + data.consumeAsciiString(12) + "-9q";
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            String key = data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeAsciiString(12);
            properties.put(ConfigKey.SYSTEM_PROPERTY_PREFIX + key, data.consumeString(40));
        }
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            String key = data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeAsciiString(12);
            env.put(ConfigKey.envName(key), data.consumeString(40));
        }
        boolean withPassword = data.consumeBoolean();
        String args = data.consumeRemainingAsString();
        if (withPassword) {
            args = args + ",basic-auth-password=" + secret;
        }

        AgentArguments config = AgentArguments.parse(args, properties, env);

        assertTrue(config.port() >= 0 && config.port() <= 65535, "port " + config.port());
        assertInterval(config.intervalMillis());
        assertInterval(config.clocksourcePollMillis());
        assertEquals(1, Integer.bitCount(config.sampleEvery()), "sample-every " + config.sampleEvery());
        assertTrue(config.topSites() >= 0 && config.topSites() <= 10000, "top-sites " + config.topSites());
        assertTrue(EnumSet.allOf(DetectorId.class).containsAll(config.detectors()), "detectors " + config.detectors());
        assertTrue(ConfigKey.LOG_LEVELS.contains(config.logLevel()), "log-level " + config.logLevel());
        assertFalse(config.host().isEmpty(), "host");
        for (String problem : config.problems()) {
            assertFalse(problem.contains("\n") || problem.contains("\r"),
                    "a problem must be one log line, or junk input can forge log lines: " + problem);
        }
        boolean secretElsewhere = args.replace("basic-auth-password=" + secret, "").contains(secret)
                || properties.toString().contains(secret) || env.toString().contains(secret);
        if (withPassword && !secretElsewhere) {
            assertFalse(config.toString().contains(secret), "toString leaks the password: " + config);
            for (String problem : config.problems()) {
                assertFalse(problem.contains(secret), "a problem line leaks the password: " + problem);
            }
        }
    }

    private static void assertInterval(long millis) {
        assertTrue(millis >= 100 && millis <= 24L * 3600 * 1000, "interval " + millis + " ms");
    }
}
