package io.vdsoagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The start-delay key's values; the waiting itself is StartPacingTest's. */
class StartDelayTest {
    @ParameterizedTest
    @CsvSource({"auto, auto", "AUTO, auto", "0, 0ms", "0s, 0ms", "250ms, 250ms", "5, 5000ms", "2m, 120000ms", "10m, 600000ms"})
    void parsesAutoZeroAndDurations(String raw, String expected) throws Exception {
        assertEquals(expected, StartDelay.parse(raw).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-1s", "11m", "1h", "5 minutes", "9999999999"})
    void refusesOtherValues(String raw) {
        assertThrows(ConfigurationException.class, () -> StartDelay.parse(raw));
    }

    /** Fail closed: a bad value is the default (auto), never an earlier start. */
    @Test
    void aBadValueMeansAuto() {
        AgentArguments config = AgentArguments.parse("start-delay=now", Collections.emptyMap(),
                Collections.emptyMap());
        assertEquals(StartDelay.AUTO, config.get(ConfigKey.START_DELAY));
        assertEquals(1, config.refusals().size());
        assertEquals(Refusal.Effect.DEFAULT_USED, config.refusals().get(0).effect());
    }
}
