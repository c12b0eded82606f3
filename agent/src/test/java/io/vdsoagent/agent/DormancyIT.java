package io.vdsoagent.agent;

import io.vdsoagent.testing.ChildJvms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vdsoagent.testing.Streams;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * JDK tools started with the agent in JAVA_TOOL_OPTIONS (as every JVM of an injected pod is) leave it
 * dormant. Ground truth: the child's own thread names in /proc/PID/task/N/comm and the port.
 */
class DormancyIT {
    private static final String BIN = System.getProperty("java.home") + File.separator + "bin" + File.separator;

    @Test
    void javaVersionPrintsOnlyItsVersionAndAtMostOneDebugLine() throws Exception {
        int port = freePort();
        Run quiet = run(Arrays.asList(BIN + "java", "-version"), "port=" + port);
        assertEquals(0, quiet.exit, quiet.output);
        assertFalse(quiet.output.contains("\nvdso-agent:"), quiet.output);

        Run debug = run(Arrays.asList(BIN + "java", "-version"), "port=" + port + ",log-level=debug");
        assertEquals(0, debug.exit, debug.output);
        List<String> ours = Arrays.stream(debug.output.split("\n")).filter(l -> l.startsWith("vdso-agent:"))
                .collect(Collectors.toList());
        // The check runs on the agent's daemon thread, which java -version may end before it prints.
        assertTrue(ours.isEmpty() || ours.equals(Collections.singletonList(
                "vdso-agent: dormant: the java launcher runs no application (java -version or similar)")), debug.output);
    }

    @Test
    void jcmdAndJpsStayDormant() throws Exception {
        for (String tool : new String[] {"jcmd", "jps"}) {
            Run run = run(Arrays.asList(BIN + tool, "-l"), "port=" + freePort() + ",log-level=debug");
            assertEquals(0, run.exit, run.output);
            assertTrue(run.output.contains("vdso-agent: dormant: JDK tool jdk.jcmd/sun.tools."), run.output);
            assertFalse(run.output.contains("metrics on"), run.output);
        }
    }

    /** A long-lived JDK tool: no agent thread ever exists and nothing listens on the agent's port. */
    @Test
    void rmiregistryRunsWithoutAgentThreadsOrPort() throws Exception {
        Path rmiregistry = Paths.get(BIN + "rmiregistry");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(rmiregistry), "no rmiregistry in " + BIN);
        int agentPort = freePort();
        int registryPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(rmiregistry.toString(), String.valueOf(registryPort))
                .redirectErrorStream(true);
        builder.environment().put("JAVA_TOOL_OPTIONS", "-javaagent:" + AgentJvm.agentJar() + "=port=" + agentPort);
        Process process = builder.start();
        try {
            awaitListening(registryPort, process);
            List<String> threads = threadNames((Long) Process.class.getMethod("pid").invoke(process));
            assertTrue(threads.contains("VM Thread"), "not a HotSpot JVM's threads: " + threads);
            assertTrue(threads.stream().noneMatch(t -> t.startsWith("vdso-agent")), threads.toString());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", agentPort), 1000);
                fail("something listens on the agent's port " + agentPort);
            } catch (ConnectException expected) {
                // nothing bound
            }
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("rmiregistry exited: " + Streams.readUtf8(process.getInputStream()));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (ConnectException notYet) {
                Thread.yield();
            }
        }
        fail("rmiregistry never listened on " + port);
    }

    private static List<String> threadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Paths.get("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.collect(Collectors.toList())) {
                try {
                    names.add(new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.UTF_8).trim());
                } catch (IOException threadEnded) {
                    // a thread that ended between the listing and the read
                }
            }
        }
        return names;
    }

    /**
     * Issue 24: an AOT training run (JDK 25) kept the transformer: the application's clock-calling class
     * was left out of the cache ("From ClassFileLoadHook") and 13 more "Skipping io/vdsoagent/..." lines
     * named every class of ours that had loaded. The JVM lists each class it leaves out, so its lines are
     * the ground truth of what loaded: beside the application's own, only premain's class, as for any
     * agent (nothing else of ours loads: no transformer, no class loader, no thread).
     */
    @Test
    void aotTrainingAndArchiveDumpsStayDormant() throws Exception {
        // JDK 17 has no AOT cache; its archive dumps refuse agents ("Must enable AllowArchivingWithJavaAgent").
        Assumptions.assumeTrue(AgentJvm.javaFeature() >= 25, "AOT training needs JDK 25; this is "
                + AgentJvm.javaFeature());
        List<List<String>> dumps = new ArrayList<>();
        Path dir = Files.createTempDirectory("dormancy-archives");
        dumps.add(Arrays.asList("-XX:AOTMode=record", "-XX:AOTConfiguration=" + dir.resolve("app.aotconf")));
        dumps.add(Arrays.asList("-XX:AOTCacheOutput=" + dir.resolve("app.aot")));
        // -XX:ArchiveClassesAtExit and -Xshare:dump refuse any agent on 17 and 25 (the JVM's own check).
        // Archives take class paths of jars only.
        Path app = dir.resolve("app.jar");
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(app))) {
            File classes = new File(AgentJvm.testClasses(), "agentit");
            for (File f : classes.listFiles((d, name) -> name.startsWith("TightApp"))) {
                jar.putNextEntry(new java.util.jar.JarEntry("agentit/" + f.getName()));
                jar.write(Files.readAllBytes(f.toPath()));
                jar.closeEntry();
            }
        }
        for (List<String> dump : dumps) {
            List<String> bare = archiveRun(dump, app, null);
            List<String> withAgent = archiveRun(dump, app, "-javaagent:" + AgentJvm.agentJar() + "=port=0");
            List<String> added = new ArrayList<>(withAgent);
            for (String line : bare) {
                added.remove(line);
            }
            // As for any agent (a no-op premain's class too): premain's own class, nothing else of ours.
            assertEquals(Arrays.asList(
                    "Skipping io/vdsoagent/bootstrap/AgentBootstrap: Unsupported location"),
                    added.stream().sorted().collect(Collectors.toList()),
                    dump + ": with the agent " + withAgent + "\nwithout " + bare);
        }
    }

    /** The app's stdout and the JVM's archive lines (time stamps, paths and sizes cut), sorted. */
    private static List<String> archiveRun(List<String> dump, Path app, String agent) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(BIN + "java");
        command.addAll(dump);
        if (agent != null) {
            command.add(agent);
        }
        command.addAll(Arrays.asList("-cp", app.toString(), "agentit.TightApp", "1", "200"));
        ChildJvms.Finished run = ChildJvms.run(command, Collections.<String, String>emptyMap(), 120);
        String output = run.output;
        assertTrue(run.exited, command.toString());
        assertEquals(0, run.exitCode, command + ": " + output);
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            String l = line.replaceFirst("^\\[[^]]*\\]\\[warning\\]\\[(aot|cds)\\] ", "").trim();
            if (l.startsWith("Skipping ") || l.startsWith("vdso-agent") || !line.startsWith("[") && !l.contains("AOT")) {
                lines.add(l);
            }
        }
        Collections.sort(lines);
        return lines;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final class Run {
        final int exit;
        final String output;

        Run(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    private static Run run(List<String> command, String agentArgs) throws Exception {
        ChildJvms.Finished run = ChildJvms.run(command,
                Collections.singletonMap("JAVA_TOOL_OPTIONS", ChildJvms.agentArg(agentArgs)), 60);
        if (!run.exited) {
            fail("timed out: " + command);
        }
        return new Run(run.exitCode, run.output);
    }
}
