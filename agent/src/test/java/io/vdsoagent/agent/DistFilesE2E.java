package io.vdsoagent.agent;

import static io.vdsoagent.testing.DebianTools.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vdsoagent.testing.ChildJvms;
import io.vdsoagent.testing.DebianTools;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files for places without Kubernetes (agent/src/dist: systemd units, a compose file) pass their own
 * tools ({@code systemd-analyze verify}, {@code docker compose config}), and the commands they run work
 * against this build's jar: the textfile the timer's service writes passes {@code promtool check metrics} and
 * the real node_exporter's textfile collector reads it.
 */
class DistFilesE2E {
    private static final Path DIST = Paths.get("src", "dist");
    private static final String INSTALLED_JAR = "/opt/vdso-agent/vdso-agent.jar";

    @TempDir
    Path temp;

    @Test
    void systemdUnitsPassSystemdAnalyzeVerify() throws Exception {
        String analyze = require("systemd-analyze", "systemd");
        List<String> command = new ArrayList<>(Arrays.asList(analyze, "verify", "--man=no"));
        for (String unit : Arrays.asList("vdso-agent-node.service", "vdso-agent-textfile.service", "vdso-agent-textfile.timer")) {
            command.add(DIST.resolve("systemd").resolve(unit).toAbsolutePath().toString());
        }
        DebianTools.Result result = DebianTools.run(null, command);
        assertEquals(0, result.exitCode, result.output);
        assertEquals("", result.output.trim(), "systemd-analyze verify has no complaint");
    }

    @Test
    void composeFilePassesComposeConfig() throws Exception {
        String docker = onPath("docker");
        List<String> command;
        if (docker != null && DebianTools.run(null, Arrays.asList(docker, "compose", "version")).exitCode == 0) {
            command = new ArrayList<>(Arrays.asList(docker, "compose"));
        } else {
            command = new ArrayList<>(Arrays.asList(require("docker-compose", "docker-compose")));
        }
        command.addAll(Arrays.asList("-f", DIST.resolve("compose/compose.yaml").toAbsolutePath().toString(), "config", "-q"));
        DebianTools.Result result = DebianTools.run(null, command);
        assertEquals(0, result.exitCode, result.output);
        assertEquals("", result.output.trim(), "compose config has no complaint");
    }

    @Test
    void theTimersCommandWritesATextfilePromtoolAccepts() throws Exception {
        String promtool = require("promtool", "prometheus");
        Path prom = temp.resolve("vdso-agent.prom");
        List<String> command = execStart("vdso-agent-textfile.service");
        command.set(command.size() - 1, prom.toString()); // the textfile directory of the unit, here a temp dir
        assertEquals(0, ChildJvms.run(command, Collections.<String, String>emptyMap(), 120).exitCode);
        DebianTools.Result check = DebianTools.run(prom.toFile(), Arrays.asList(promtool, "check", "metrics"));
        assertEquals(0, check.exitCode, check.output);
        assertEquals("", check.output.trim(), "promtool check metrics has no complaint");
        assertTrue(new String(Files.readAllBytes(prom), StandardCharsets.UTF_8).contains("vdso_kernel_info{"));

        // and the real node_exporter reads it through its textfile collector, without an error
        String nodeExporter = require("prometheus-node-exporter", "prometheus-node-exporter");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process exporter = new ProcessBuilder(nodeExporter, "--collector.disable-defaults", "--collector.textfile",
                "--collector.textfile.directory=" + temp, "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(temp.resolve("node-exporter.log").toFile()).start();
        try {
            String body = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (body == null && System.currentTimeMillis() < deadline) {
                try {
                    body = AgentJvm.get(port, "/metrics", null).body;
                } catch (java.io.IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertTrue(body != null, "node_exporter did not answer");
            assertTrue(body.contains("\nnode_textfile_scrape_error 0"), body);
            assertTrue(body.contains("\nvdso_kernel_info{"), body);
            assertTrue(body.contains("\nvdso_agent_mode_info{host_detail=\"full\",mode=\"node\"} 1"), body);
        } finally {
            exporter.destroy();
            exporter.waitFor();
        }
    }

    @Test
    void theServiceAndComposeCommandsServeMetrics() throws Exception {
        List<List<String>> commands = new ArrayList<>();
        commands.add(execStart("vdso-agent-node.service"));
        commands.add(composeCommand());
        for (List<String> command : commands) {
            // the documented port may be taken on a build machine: a free one on loopback instead
            command.replaceAll(arg -> arg.equals("port=9419") ? "port=0" : arg);
            command.add("host=127.0.0.1");
            try (AgentJvm node = AgentJvm.start(command)) {
                AgentJvm.Response metrics = AgentJvm.get(node.awaitReadyPort(), "/metrics", null);
                assertEquals(1, metrics.sample("vdso_agent_mode_info{host_detail=\"full\",mode=\"node\"}"), 0, command.toString());
            }
        }
    }

    /** The unit's ExecStart, with this JVM's java and this build's jar. */
    private static List<String> execStart(String unit) throws Exception {
        for (String line : Files.readAllLines(DIST.resolve("systemd").resolve(unit), StandardCharsets.UTF_8)) {
            if (line.startsWith("ExecStart=")) {
                return localize(new ArrayList<>(Arrays.asList(line.substring("ExecStart=".length()).split(" "))));
            }
        }
        fail("no ExecStart in " + unit);
        return null;
    }

    /** The compose service's command (a one-line-per-item-group JSON-style list), localized. */
    private static List<String> composeCommand() throws Exception {
        String text = new String(Files.readAllBytes(DIST.resolve("compose/compose.yaml")), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("command: \\[([^\\]]*)\\]").matcher(text);
        assertTrue(m.find(), "a command list in compose.yaml");
        List<String> command = new ArrayList<>();
        Matcher item = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (item.find()) {
            command.add(item.group(1));
        }
        return localize(command);
    }

    private static List<String> localize(List<String> command) {
        assertTrue(command.get(0).endsWith("java"), command.toString());
        command.set(0, AgentJvm.java());
        assertTrue(command.contains(INSTALLED_JAR), command.toString());
        command.replaceAll(arg -> arg.equals(INSTALLED_JAR) ? AgentJvm.agentJar().getAbsolutePath() : arg);
        return command;
    }

    private static String onPath(String tool) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
