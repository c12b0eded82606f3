package io.vdsoagent.agent;

import io.vdsoagent.agent.config.TestRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A clocksource switch while the JVM runs (an operator's echo, or the kernel marking tsc unstable) must be
 * noticed within one poll period: the change counter, the current-clocksource series and one log line
 * old -> new. The switch is made in a fixture sysfs (the agent's test root, with {@code proc} linked to the
 * real /proc so the vDSO and the detectors stay live), so the outcome does not depend on which clocksources
 * this host offers or on root. The live variant switches the real kernel where the host allows it.
 */
class ClocksourceSwitchIT {
    private static final Path CURRENT = Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    private static final Path AVAILABLE = Paths.get("/sys/devices/system/clocksource/clocksource0/available_clocksource");
    private static final String SYSFS = "sys/devices/system/clocksource/clocksource0/";

    @ParameterizedTest(name = "{0} -> {1} (available: {2})")
    @CsvSource({
            "tsc, hpet, tsc hpet acpi_pm",     // the kernel demotes an unstable tsc on a bare-metal-like host
            "kvm-clock, tsc, kvm-clock tsc",   // an operator's switch on a KVM guest
    })
    void aSwitchInSysfsIsCountedAndLoggedWithinOnePollPeriod(String from, String to, String available,
                                                            @TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(SYSFS));
        Files.createSymbolicLink(root.resolve("proc"), Paths.get("/proc"));
        write(root.resolve(SYSFS + "available_clocksource"), available);
        Path current = root.resolve(SYSFS + "current_clocksource");
        write(current, from);
        try (AgentJvm app = AgentJvm.start(Arrays.asList(
                        AgentJvm.agentArg("port=0,host=127.0.0.1,clocksource-poll=1s,instrument=false"),
                        "-D" + TestRoot.PROPERTY + "=" + root.toAbsolutePath()),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "60000", "0")) {
            switchAndExpectBothChanges(app, current, from, to);
        }
    }

    @Test
    void liveSwitchOfTheKernelsClocksource() throws Exception {
        String original = read(CURRENT);
        List<String> available = Arrays.asList(read(AVAILABLE).split("\\s+"));
        String other = available.stream().filter(c -> !c.equals(original)).findFirst().orElse(null);
        assumeTrue(other != null, "needs a second clocksource; this host offers only " + available);
        assumeTrue(Files.isWritable(CURRENT), "needs root and a writable " + CURRENT);
        try (AgentJvm app = AgentJvm.start(Arrays.asList(
                        AgentJvm.agentArg("port=0,host=127.0.0.1,clocksource-poll=1s,instrument=false")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "60000", "0")) {
            switchAndExpectBothChanges(app, CURRENT, original, other);
        } finally {
            if (!read(CURRENT).equals(original)) {
                write(CURRENT, original);
            }
        }
    }

    /** Switches {@code from -> to}, waits for the agent's line, switches back and waits for the second. */
    private static void switchAndExpectBothChanges(AgentJvm app, Path current, String from, String to) throws Exception {
        int port = app.awaitReadyPort();
        assertEquals(0.0, AgentJvm.get(port, "/metrics", null).sample("vdso_clocksource_changes_total"));
        long switched;
        try {
            write(current, to);
            switched = System.nanoTime();
            // One poll period (1 s) plus the re-probe it triggers.
            app.awaitStderr(Pattern.compile("^vdso-agent: clocksource changed " + Pattern.quote(from) + " -> "
                    + Pattern.quote(to) + ": .*clock_gettime", Pattern.MULTILINE), 15_000);
        } finally {
            write(current, from);
        }
        long millis = (System.nanoTime() - switched) / 1_000_000;
        AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
        assertTrue(metrics.sample("vdso_clocksource_changes_total") >= 1.0, metrics.body);
        assertTrue(millis < 15_000, "noticed after " + millis + " ms");
        // And back: the restore is a second change.
        app.awaitStderr(Pattern.compile("clocksource changed " + Pattern.quote(to) + " -> " + Pattern.quote(from)), 15_000);
        assertEquals(2.0, AgentJvm.get(port, "/metrics", null).sample("vdso_clocksource_changes_total"));
        assertEquals(1.0, AgentJvm.get(port, "/metrics", null)
                .sample("vdso_clocksource_current_info{clocksource=\"" + from + "\"}"));
    }

    private static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.UTF_8).trim();
    }

    private static void write(Path path, String value) throws IOException {
        Files.write(path, (value + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
