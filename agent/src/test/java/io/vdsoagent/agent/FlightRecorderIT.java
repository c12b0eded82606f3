package io.vdsoagent.agent;

import io.vdsoagent.agent.config.TestRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JFR events in a real recording: a child JVM with {@code -XX:StartFlightRecording} and the agent,
 * read back with the JDK's own {@code jfr print} (of the JDK running the tests: 17 and 25 in CI). Ground
 * truth: sysfs's clocksource, the CPU-time clocks' syscall, and for the change, fallback and kernel log
 * events the fixture sysfs and kernel log this test writes (as ClocksourceSwitchIT).
 */
class FlightRecorderIT {
    private static final Path CURRENT = Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    private static final String SYSFS = "sys/devices/system/clocksource/clocksource0/";
    private static final String EVENTS = "io.vdsoagent.ClockVerdict,io.vdsoagent.ClocksourceChange,"
            + "io.vdsoagent.ClockFallback,io.vdsoagent.KernelClockLog";
    private static final String UNSTABLE = "clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large:";
    private static final Set<String> CLOCKS = new TreeSet<>(Arrays.asList("realtime", "monotonic", "monotonic_raw",
            "boottime", "tai", "realtime_coarse", "monotonic_coarse", "process_cputime", "thread_cputime"));

    @Test
    void liveVerdictsCarrySysfsClocksource(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("live.jfr");
        try (AgentJvm app = AgentJvm.start(Arrays.asList(recording(jfr),
                        AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,clocksource-poll=1s,log-level=debug")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            app.awaitReadyPort();
            awaitRegistered(app);
            app.release();
            assertEquals(0, app.awaitExit(60));
        }
        List<Map<String, String>> verdicts = events(jfr, "io.vdsoagent.ClockVerdict");
        String sysfs = read(CURRENT);
        assertEquals(CLOCKS, verdicts.stream().map(e -> e.get("clock")).collect(Collectors.toCollection(TreeSet::new)),
                verdicts.toString());
        for (Map<String, String> e : verdicts) {
            assertEquals(sysfs, e.get("clocksource"), e.toString());
            if (e.get("clock").endsWith("_cputime")) {
                // Always a syscall on Linux: the positive control.
                assertEquals("syscall", e.get("verdict"), e.toString());
            }
        }
    }

    /**
     * tsc -> hpet in a fixture sysfs, with a kernel log saying tsc was marked unstable, and only the
     * clocksource detector (the fixture's hpet is not this host's real clock: its name is all there is to go on).
     */
    @Test
    void aSwitchAFallbackAndTheKernelsReasonAreRecorded(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve(SYSFS));
        Files.createDirectories(root.resolve("dev"));
        Files.createSymbolicLink(root.resolve("proc"), Paths.get("/proc"));
        write(root.resolve(SYSFS + "available_clocksource"), "tsc hpet acpi_pm");
        Path current = root.resolve(SYSFS + "current_clocksource");
        write(current, "tsc");
        write(root.resolve("dev/kmsg"), "6,257,1389545,-;clocksource: Switched to clocksource tsc\n"
                + "4,900,86523456789,-;" + UNSTABLE);
        Path jfr = dir.resolve("switch.jfr");
        try (AgentJvm app = AgentJvm.start(Arrays.asList(recording(jfr),
                        AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,clocksource-poll=1s,detectors=clocksource,log-level=debug"),
                        "-D" + TestRoot.PROPERTY + "=" + root.toAbsolutePath()),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            app.awaitReadyPort();
            awaitRegistered(app);
            write(current, "hpet");
            app.awaitStderr(Pattern.compile("clocksource changed tsc -> hpet"), 15_000);
            app.release();
            assertEquals(0, app.awaitExit(60));
        }
        List<Map<String, String>> changes = events(jfr, "io.vdsoagent.ClocksourceChange");
        assertEquals(1, changes.size(), changes.toString());
        assertEquals("tsc", changes.get(0).get("from"));
        assertEquals("hpet", changes.get(0).get("to"));

        List<Map<String, String>> fallbacks = events(jfr, "io.vdsoagent.ClockFallback");
        Set<String> fellBack = fallbacks.stream().map(e -> e.get("clock")).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(fellBack.containsAll(Arrays.asList("realtime", "monotonic")), fallbacks.toString());
        assertFalse(fellBack.contains("process_cputime"), "the CPU-time clocks are never a fallback: " + fallbacks);
        for (Map<String, String> e : fallbacks) {
            assertEquals("hpet", e.get("clocksource"), e.toString());
            assertEquals("clocksource", e.get("decidedBy"), e.toString());
            assertEquals("false", e.get("proof"), "a name's hint is not proof: " + e);
        }

        List<Map<String, String>> kernel = events(jfr, "io.vdsoagent.KernelClockLog");
        List<Map<String, String>> unstable = kernel.stream().filter(e -> "clocksource_unstable".equals(e.get("kind")))
                .collect(Collectors.toList());
        assertEquals(1, unstable.size(), kernel.toString());
        assertEquals("tsc", unstable.get(0).get("subject"));
        assertTrue(unstable.get(0).get("message").contains("Marking clocksource 'tsc' as unstable"), kernel.toString());

        // The periodic verdicts at the recording's end: after the switch.
        List<Map<String, String>> verdicts = events(jfr, "io.vdsoagent.ClockVerdict");
        assertTrue(verdicts.stream().anyMatch(e -> "realtime".equals(e.get("clock")) && "hpet".equals(e.get("clocksource"))
                && "syscall".equals(e.get("verdict"))), verdicts.toString());
    }

    /** No recording: JFR's own implementation and our event classes are never loaded (the JVM's class log says). */
    @Test
    void withoutARecordingNothingOfJfrLoads(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("classes.txt");
        try (AgentJvm app = AgentJvm.start(Arrays.asList("-Xlog:class+load=info:file=" + classes,
                        AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,clocksource-poll=100ms")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin")) {
            app.awaitReadyPort();
            Thread.sleep(1000); // ten clocksource polls, each asking whether a recording runs
            app.release();
            assertEquals(0, app.awaitExit(60));
        }
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.vdsoagent.publish.jfr.JfrClockEvents ")),
                "the JFR sink is there on this JDK");
        List<String> jfr = loaded.stream().filter(l -> l.contains(" jdk.jfr.internal.") || l.contains("Event source:")
                && l.contains("io.vdsoagent.publish.jfr.")).collect(Collectors.toList());
        assertEquals(new ArrayList<String>(), jfr);
    }

    /** JFR may start its recording after the agent's first probe (JDK 25 does): the next poll registers. */
    private static void awaitRegistered(AgentJvm app) throws Exception {
        app.awaitStderr(Pattern.compile(Pattern.quote(RunningAgent.FLIGHT_RECORDER_LINE)), 15_000);
    }

    private static String recording(Path jfr) {
        return "-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",dumponexit=true";
    }

    /** {@code jfr print --events <name>}: each event's fields, values unquoted. */
    static List<Map<String, String>> events(Path recording, String name) throws Exception {
        File jfrTool = Paths.get(System.getProperty("java.home"), "bin", "jfr").toFile();
        assertTrue(recording.toFile().isFile(), "no recording written: " + recording);
        Process p = new ProcessBuilder(jfrTool.getPath(), "print", "--events", name, recording.toString())
                .redirectErrorStream(true).start();
        String out = new String(readAll(p), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jfr print failed:\n" + out);
        List<Map<String, String>> events = new ArrayList<>();
        Map<String, String> event = null;
        Pattern field = Pattern.compile("^\\s+(\\w+) = (.*)$");
        for (String line : out.split("\n")) {
            if (line.startsWith(name + " {")) {
                event = new LinkedHashMap<>();
                events.add(event);
            } else if (line.startsWith("}")) {
                event = null;
            } else if (event != null) {
                Matcher m = field.matcher(line);
                if (m.matches()) {
                    String v = m.group(2).trim();
                    event.put(m.group(1), v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
                            ? v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\'", "'") : v);
                }
            }
        }
        return events;
    }

    private static byte[] readAll(Process p) throws IOException {
        return io.vdsoagent.testing.Streams.readAll(p.getInputStream());
    }

    private static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.UTF_8).trim();
    }

    private static void write(Path path, String value) throws IOException {
        Files.write(path, (value + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
