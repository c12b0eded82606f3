package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import io.vdsoagent.agent.cli.Cli;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code java -jar vdso-agent.jar ...}: report, attach, usage and exit codes. */
class CliIT {

    private static AgentJvm cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(AgentJvm.java(), "-jar", AgentJvm.agentJar().getAbsolutePath()));
        command.addAll(Arrays.asList(args));
        return AgentJvm.start(command);
    }

    @Test
    void reportPrintsTheHumanReport() throws Exception {
        try (AgentJvm cli = cli("report")) {
            assertEquals(0, cli.awaitExit(60), cli.stderr());
            String out = cli.stdout();
            assertTrue(out.contains("linux-vdso.so.1"), out);
            assertTrue(out.contains("clocksource"), out);
            assertTrue(out.contains("process_cputime"), out);
            assertEquals(Collections.emptyList(), cli.foreignStderrLines(), "no JDK warnings for the CLI");
        }
    }

    @Test
    void reportJsonHasTheDocumentedFields() throws Exception {
        try (AgentJvm cli = cli("report", "--json")) {
            assertEquals(0, cli.awaitExit(60), cli.stderr());
            String json = cli.stdout().trim();
            assertTrue(json.startsWith("{") && json.endsWith("}"), json);
            for (String field : Arrays.asList("\"base\":\"0x", "\"symbols\":[", "\"current\":", "\"available\":[",
                    "\"clocks\":[", "\"verdict\":", "\"detector\":", "\"vdsoNanos\":", "\"syscallNanos\":",
                    "\"vsyscall\":", "\"aslr\":")) {
                assertTrue(json.contains(field), field + " in " + json);
            }
        }
    }

    /** Ground truth: binutils' objdump -T of the dumped file lists exactly the symbols the report lists. */
    @Test
    void dumpVdsoWritesAnImageObjdumpReadsWithTheReportsSymbols() throws Exception {
        java.nio.file.Path dump = java.nio.file.Files.createTempFile("vdso", ".so");
        try (AgentJvm cli = cli("report", "--json", "--dump-vdso", dump.toString())) {
            assertEquals(0, cli.awaitExit(60), cli.stderr());
            String json = cli.stdout();
            List<String> objdump = ObjdumpSymbols.of(dump);
            assertTrue(objdump.size() >= 4, objdump.toString());
            assertEquals(objdump, ObjdumpSymbols.reported(json), json);
            assertTrue(json.contains("\"maps\":{\"check\":\"agrees\""), json);
        } finally {
            java.nio.file.Files.deleteIfExists(dump);
        }
        try (AgentJvm cli = cli("report", "--dump-vdso", "/nonexistent-dir/vdso.so")) {
            assertEquals(1, cli.awaitExit(60));
            assertTrue(cli.stderr().contains("cannot write the vDSO image to /nonexistent-dir/vdso.so"), cli.stderr());
        }
        try (AgentJvm cli = cli("report", "--dump-vdso")) {
            assertEquals(2, cli.awaitExit(30), "the file is required");
        }
    }

    @Test
    void unknownCommandIsUsageOnStderrAndExitTwo() throws Exception {
        try (AgentJvm cli = cli("frobnicate")) {
            assertEquals(2, cli.awaitExit(30));
            assertEquals("", cli.stdout());
            assertTrue(cli.stderr().contains("unknown command [frobnicate]"), cli.stderr());
            assertTrue(cli.stderr().contains("Usage: java -jar vdso-agent.jar"), cli.stderr());
        }
        try (AgentJvm cli = cli()) {
            assertEquals(2, cli.awaitExit(30));
        }
    }

    @Test
    void helpIsUsageOnStdoutAndExitZero() throws Exception {
        try (AgentJvm cli = cli("--help")) {
            assertEquals(0, cli.awaitExit(30));
            assertTrue(cli.stdout().contains("attach <pid>"), cli.stdout());
        }
    }

    @Test
    void attachLoadsTheAgentIntoARunningJvmOnce() throws Exception {
        // JDK 21+ print a dynamic-loading warning in the target unless it allows agents explicitly.
        List<String> jvmArgs = AgentJvm.javaFeature() >= 21
                ? Arrays.asList("-XX:+EnableDynamicAgentLoading") : Collections.<String>emptyList();
        try (AgentJvm app = AgentJvm.start(jvmArgs, AgentJvm.testClasses(), SleepyApp.class.getName(), "30000", "0")) {
            app.awaitStdout(SleepyApp.LINE, 30_000); // the target reached main: its JVM is fully up
            try (AgentJvm cli = cli("attach", String.valueOf(app.pid()), "port=0,host=127.0.0.1")) {
                assertEquals(0, cli.awaitExit(60), cli.stderr());
            }
            int port = app.awaitReadyPort();
            assertEquals(200, AgentJvm.get(port, "/metrics", null).status);

            // Issue 24: the second attach printed "loaded" and exited 0 while the target ignored it.
            try (AgentJvm again = cli("attach", String.valueOf(app.pid()), "port=0")) {
                assertEquals(Cli.FAILED, again.awaitExit(60), again.stderr());
                assertFalse(again.stdout().contains("loaded into"), again.stdout());
                assertTrue(again.stderr().contains("refused: the agent already runs there (loaded by agentmain)"),
                        again.stderr());
            }
            assertEquals(1, app.agentLines().size(), "the target is left alone: " + app.agentLines());
            assertEquals(SleepyApp.LINE + System.lineSeparator(), app.stdout());
        }
    }

    @Test
    void attachToANonExistentProcessFailsWithOne() throws Exception {
        try (AgentJvm cli = cli("attach", "999999999")) {
            assertEquals(1, cli.awaitExit(60));
            assertTrue(cli.stderr().contains("attach to 999999999 failed"), cli.stderr());
        }
    }
}
