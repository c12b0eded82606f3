package io.vdsoagent.agent;

import io.vdsoagent.testing.ChildJvms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The packaged jar as users run it: {@code -javaagent} on a real JVM (the one running the tests). */
class AgentJarIT {

    @Test
    void servesMetricsThatMatchTheChildJvmsOwnMaps() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,expose-address=true,host=127.0.0.1")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin", "7")) {
            int port = app.awaitReadyPort();

            long[] vdso = vdsoRange(app.pid());
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertEquals(200, metrics.status);
            assertTrue(metrics.contentType.startsWith("text/plain; version=0.0.4"), metrics.contentType);
            assertEquals(vdso[0], (long) metrics.sample("vdso_base_address"), "vDSO base vs /proc/<pid>/maps");
            assertEquals(vdso[1] - vdso[0], (long) metrics.sample("vdso_image_bytes"), "vDSO size vs /proc/<pid>/maps");
            assertEquals(0.0, metrics.sample("vdso_clocksource_changes_total"));
            String clocksource = new String(Files.readAllBytes(
                    Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource"))).trim();
            assertEquals(1.0, metrics.sample("vdso_clocksource_current_info{clocksource=\"" + clocksource + "\"}"));
            // CPU-time clocks always make the syscall: a positive control on any host.
            assertEquals(1.0, metrics.sample("vdso_clock_fallback{clock=\"process_cputime\",detector=\"seccomp\"}"));

            AgentJvm.Response openMetrics = AgentJvm.get(port, "/metrics", "application/openmetrics-text; version=1.0.0");
            assertTrue(openMetrics.contentType.startsWith("application/openmetrics-text"), openMetrics.contentType);
            assertTrue(openMetrics.body.trim().endsWith("# EOF"), "OpenMetrics ends with # EOF");

            AgentJvm.Response healthy = AgentJvm.get(port, "/-/healthy", null);
            assertEquals(200, healthy.status);
            assertEquals("OK", healthy.body.trim());

            AgentJvm.Response report = AgentJvm.get(port, "/report", null);
            assertEquals(200, report.status);
            assertTrue(report.body.contains("\"base\":\"0x" + Long.toHexString(vdso[0]) + "\""), report.body);

            assertEquals(404, AgentJvm.get(port, "/nothing", null).status);

            app.release();
            assertEquals(7, app.awaitExit(30), "the application's own exit code");
            assertEquals(SleepyApp.LINE + System.lineSeparator(), app.stdout(), "stdout is the application's alone");
            assertEquals(1, app.agentLines().size(), "one line from us: " + app.agentLines());
            assertEquals(Collections.emptyList(), app.foreignStderrLines(), "nothing else on stderr");
        }
    }

    @Test
    void hidesTheVdsoAddressByDefault() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("127.0.0.1:0,instrument=false")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin", "0")) {
            int port = app.awaitReadyPort();
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertTrue(metrics.body.contains("vdso_image_bytes"), metrics.body);
            assertTrue(!metrics.body.contains("vdso_base_address"), "base address hidden unless expose-address=true");
            assertTrue(!AgentJvm.get(port, "/report", null).body.contains("\"base\":\"0x"), "hidden in /report too");
            app.release();
            assertEquals(0, app.awaitExit(30), "main returned: no agent thread keeps the JVM alive");
        }
    }

    @Test
    void portInUseIsOneLineAndTheApplicationRunsOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=" + taken.getLocalPort() + ",instrument=false")),
                    AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin", "5")) {
                app.awaitStderr(Pattern.compile("metrics NOT served: cannot listen on :" + taken.getLocalPort()), 30_000);
                app.release();
                assertEquals(5, app.awaitExit(30));
                assertEquals(SleepyApp.LINE + System.lineSeparator(), app.stdout());
                List<String> lines = app.agentLines();
                assertEquals(1, lines.size(), lines.toString());
                assertTrue(lines.get(0).contains("clock_gettime"), "the verdict is still there: " + lines);
            }
        }
    }

    @Test
    void badArgumentsAreLoggedAndDefaultsUsed() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,interval=soon,instrument=false"),
                "-Dvdso.agent.count-mode=fast"),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin", "0")) {
            app.awaitReadyPort();
            app.release();
            assertEquals(0, app.awaitExit(30));
            String stderr = app.stderr();
            assertTrue(stderr.contains("vdso-agent: bad value for interval [soon], using default 60s"), stderr);
            assertTrue(stderr.contains("vdso-agent: bad value for count-mode [fast], using default exact"), stderr);
            assertEquals(3, app.agentLines().size(), app.agentLines().toString());
            assertEquals(SleepyApp.LINE + System.lineSeparator(), app.stdout());
        }
    }

    @Test
    void loadedTwiceTheSecondCopyStandsDown() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0"), AgentJvm.agentArg("port=0")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin", "0")) {
            app.awaitReadyPort();
            app.release();
            assertEquals(0, app.awaitExit(30));
            List<String> lines = app.agentLines();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("vdso-agent: already loaded"), lines.toString());
            assertEquals(1, lines.stream().filter(l -> ChildJvms.READY_PORT.matcher(l).find()).count(), lines.toString());
        }
    }

    @Test
    void disabledDoesNothing() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("enabled=false,port=0")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "1500", "0")) {
            assertEquals(0, app.awaitExit(30));
            assertEquals(Collections.emptyList(), app.agentLines());
        }
    }

    @Test
    void aRenamedJarWorksWithoutTouchingTheBootPath() throws Exception {
        // The jar's name matters nowhere (no Boot-Class-Path): a renamed copy counts clock calls too and
        // makes the JVM print nothing about CDS.
        java.nio.file.Path dir = Files.createTempDirectory("renamed-agent");
        java.nio.file.Path renamed = dir.resolve("clock-agent-renamed.jar");
        Files.copy(AgentJvm.agentJar().toPath(), renamed);
        try (AgentJvm app = AgentJvm.start(Arrays.asList("-javaagent:" + renamed + "=port=0,host=127.0.0.1"),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin", "0")) {
            int port = app.awaitReadyPort();
            assertEquals(200, AgentJvm.get(port, "/metrics", null).status);
            app.release();
            assertEquals(0, app.awaitExit(30));
            assertEquals(SleepyApp.LINE + System.lineSeparator(), app.stdout());
            assertEquals(1, app.agentLines().size(), "only the ready line: " + app.stderr());
            assertTrue(!app.stderr().contains("Error"), app.stderr());
            assertTrue(!app.stderr().contains("Sharing is only supported"), app.stderr());
        } finally {
            Files.deleteIfExists(renamed);
            Files.deleteIfExists(dir);
        }
    }

    /** [start, end) of the [vdso] mapping: the ground truth, read by the test, not by the agent. */
    static long[] vdsoRange(long pid) throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/maps"))) {
            if (line.endsWith("[vdso]")) {
                String[] range = line.split(" ")[0].split("-");
                return new long[] {Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16)};
            }
        }
        throw new AssertionError("no [vdso] in /proc/" + pid + "/maps");
    }
}
