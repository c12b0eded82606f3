package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node mode ({@code serve}, {@code report --prom}) and the series budget ({@code host-detail=summary}),
 * each in a real child JVM running the packaged jar.
 */
class NodeModeIT {
    private static final String NODE_MODE = "vdso_agent_mode_info{host_detail=\"full\",mode=\"node\"}";

    @TempDir
    Path temp;

    private static AgentJvm cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(AgentJvm.java(), "-jar", AgentJvm.agentJar().getAbsolutePath()));
        command.addAll(Arrays.asList(args));
        return AgentJvm.start(command);
    }

    @Test
    void serveAnswersTheSameMetricsWithoutAnApplication() throws Exception {
        // host-detail=summary is for JVM agents: node mode is where the kernel's detail is published
        try (AgentJvm node = cli("serve", "host=127.0.0.1", "port=0", "interval=5s", "host-detail=summary")) {
            int port = node.awaitReadyPort();
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertEquals(200, metrics.status);
            assertEquals(1, metrics.sample(NODE_MODE), 0);
            assertTrue(metrics.body.contains("vdso_clock_fallback{clock=\"monotonic\""), metrics.body);
            assertTrue(metrics.body.contains("vdso_symbol_info{"), metrics.body);
            // no application: nothing to instrument, no start-up of an agent inside one
            assertFalse(metrics.body.contains("jvm_clock_calls_total"), metrics.body);
            assertFalse(metrics.body.contains("vdso_agent_premain_seconds"), metrics.body);
            assertEquals(200, AgentJvm.get(port, "/-/healthy", null).status);
            assertEquals(Collections.emptyList(), node.foreignStderrLines());
            // SIGTERM: the shutdown hook closes the endpoint and the refresh thread, the JVM exits (143)
            node.terminate();
            assertEquals(143, node.awaitExit(20), node.stderr());
        }
    }

    @Test
    void serveRefusesABadKeyInsteadOfFallingBackToADefault() throws Exception {
        try (AgentJvm node = cli("serve", "host=127.0.0.1", "prot=9419")) {
            assertEquals(2, node.awaitExit(30));
            assertTrue(node.stderr().contains("serve not started: unknown key [prot]"), node.stderr());
        }
    }

    @Test
    void reportPromReplacesTheFileWithTheNodeModeMetrics() throws Exception {
        Path file = temp.resolve("vdso.prom");
        Files.write(file, "old\n".getBytes(StandardCharsets.UTF_8));
        try (AgentJvm cli = cli("report", "--prom", file.toString())) {
            assertEquals(0, cli.awaitExit(60), cli.stderr());
            assertEquals("", cli.stdout());
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertTrue(text.contains(NODE_MODE + " 1"), text);
        assertTrue(text.contains("# TYPE vdso_clock_fallback gauge"), text);
        // readable by node_exporter running as another user; no temporary file left behind
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Collections.singletonList("vdso.prom"), listing(temp));
    }

    @Test
    void reportPromIntoAMissingDirectoryExitsThreeWithOneLine() throws Exception {
        Path file = temp.resolve("missing").resolve("vdso.prom");
        try (AgentJvm cli = cli("report", "--prom", file.toString())) {
            assertEquals(3, cli.awaitExit(60));
            assertEquals(Collections.singletonList("vdso-agent: cannot write " + file + ": no such directory "
                    + file.getParent() + "; the previous file is untouched"), lines(cli.stderr()));
        }
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void reportPromIntoAReadOnlyDirectoryLeavesTheOldFileAndExitsThree() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("ro"));
        Path file = dir.resolve("vdso.prom");
        Files.write(file, "old\n".getBytes(StandardCharsets.UTF_8));
        makeReadOnly(dir);
        try (AgentJvm cli = cli("report", "--prom", file.toString())) {
            assertEquals(3, cli.awaitExit(60));
            List<String> stderr = lines(cli.stderr());
            assertEquals(1, stderr.size(), cli.stderr());
            assertTrue(stderr.get(0).startsWith("vdso-agent: cannot write " + file + ": "), cli.stderr());
        } finally {
            makeWritable(dir);
        }
        assertEquals("old\n", new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        assertEquals(Collections.singletonList("vdso.prom"), listing(dir));
    }

    @Test
    void summaryLeavesTheKernelDetailToTheNodeAndKeepsTheVerdicts() throws Exception {
        try (AgentJvm app = AgentJvm.start(Collections.singletonList(
                AgentJvm.agentArg("host=127.0.0.1,port=0,host-detail=summary")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "60000")) {
            AgentJvm.Response metrics = AgentJvm.get(app.awaitReadyPort(), "/metrics", null);
            assertEquals(1, metrics.sample("vdso_agent_mode_info{host_detail=\"summary\",mode=\"jvm\"}"), 0);
            for (String gone : Arrays.asList("vdso_symbol_info", "vdso_clock_call_seconds", "vdso_kernel_clock_events")) {
                assertFalse(metrics.body.contains(gone), gone + " in:\n" + metrics.body);
            }
            for (String kept : Arrays.asList("vdso_info{", "vdso_clock_fallback{clock=\"monotonic\"",
                    "vdso_clocksource_current_info{", "vdso_jvm_clock_call_seconds{", "vdso_jvm_clock_interposed{",
                    "vdso_agent_degraded{")) {
                assertTrue(metrics.body.contains(kept), kept + " in:\n" + metrics.body);
            }
        }
    }

    /**
     * Permission bits do not stop root: as root the directory is made immutable instead (chattr +i,
     * e2fsprogs; the file system must support it).
     */
    private static void makeReadOnly(Path dir) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            return;
        }
        int rc;
        try {
            rc = new ProcessBuilder("chattr", "+i", dir.toString()).inheritIO().start().waitFor();
        } catch (java.io.IOException e) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "as root a read-only directory needs chattr +i (e2fsprogs) on a file system that supports it");
    }

    private static void makeWritable(Path dir) throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            new ProcessBuilder("chattr", "-i", dir.toString()).inheritIO().start().waitFor();
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            files.forEach(p -> names.add(p.getFileName().toString()));
            return new ArrayList<>(new TreeSet<>(names));
        }
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
