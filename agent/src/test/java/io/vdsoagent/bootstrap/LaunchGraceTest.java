package io.vdsoagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchGraceTest {
    /** auto (the default) and a bad value (read as auto) wait before launching; a duration is the agent's own to apply. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null                      | 250",
        "port=9419                 | 250",
        "port=9419,start-delay=auto | 250",
        "start-delay=AUTO          | 250",
        "start-delay=0             | 0",
        "port=0, start-delay=3s    | 0",
        "start-delay=nonsense      | 250",
        "start-delay=500ms         | 0",
    })
    void waitsOnlyForAuto(String agentArgs, long expected) {
        assumeTrue(System.getProperty("vdso.agent.start-delay") == null && System.getenv("VDSO_AGENT_START_DELAY") == null,
                "start-delay set from outside the test");
        assertEquals(expected, LaunchGrace.millis(agentArgs));
    }
}
