package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import agentit.SleepyApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Switches the machine's clocksource live (root only) and expects the agent to notice within one poll
 * period: the change counter, the current-clocksource series and one log line old -> new.
 * The original clocksource is restored in a finally block; the switched window lasts a few seconds.
 */
class ClocksourceSwitchIT {
    private static final Path CURRENT = Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    private static final Path AVAILABLE = Paths.get("/sys/devices/system/clocksource/clocksource0/available_clocksource");

    @Test
    void liveSwitchIsCountedAndLoggedWithinOnePollPeriod() throws Exception {
        String original = read(CURRENT);
        List<String> available = Arrays.asList(read(AVAILABLE).split("\\s+"));
        String other = available.stream().filter(c -> !c.equals(original)).findFirst().orElse(null);
        if (other == null) {
            fail("only one clocksource available [" + available + "]: cannot switch on this host");
        }
        if (!Files.isWritable(CURRENT)) {
            fail(CURRENT + " is not writable: run this test as root on a host that allows switching");
        }
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,clocksource-poll=1s")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "30000", "0")) {
            int port = app.awaitReadyPort();
            assertEquals(0.0, AgentJvm.get(port, "/metrics", null).sample("vdso_clocksource_changes_total"));
            long switched;
            try {
                write(CURRENT, other);
                switched = System.nanoTime();
                // One poll period (1 s) plus the re-probe it triggers.
                app.awaitStderr(Pattern.compile("^vdso-agent: clocksource changed " + Pattern.quote(original) + " -> "
                        + Pattern.quote(other) + ": .*clock_gettime", Pattern.MULTILINE), 10_000);
            } finally {
                write(CURRENT, original);
            }
            long millis = (System.nanoTime() - switched) / 1_000_000;
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertTrue(metrics.sample("vdso_clocksource_changes_total") >= 1.0, metrics.body);
            assertTrue(millis < 10_000, "noticed after " + millis + " ms");
            // And back: the restore is a second change.
            app.awaitStderr(Pattern.compile("clocksource changed " + Pattern.quote(other) + " -> " + Pattern.quote(original)), 10_000);
            assertEquals(2.0, AgentJvm.get(port, "/metrics", null).sample("vdso_clocksource_changes_total"));
        } finally {
            if (!read(CURRENT).equals(original)) {
                write(CURRENT, original);
            }
        }
    }

    private static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.UTF_8).trim();
    }

    private static void write(Path path, String value) throws IOException {
        Files.write(path, (value + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
