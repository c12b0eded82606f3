package io.vdsoagent.agent;

import io.vdsoagent.testing.Streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import agentit.BusyClockApp;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A real agent's full scrape (vdso_*, jvm_clock_* from the instrumentation, vdso_agent_*) passes the real
 * Prometheus linter: {@code promtool check metrics} from the Debian package {@code prometheus}.
 */
class ScrapePromtoolE2E {

    @Test
    void fullScrapePassesPromtool() throws Exception {
        String promtool = onPath("promtool");
        if (promtool == null) {
            fail("promtool not found: install the Debian package prometheus (apt-get install prometheus)");
        }
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1,expose-address=true")),
                AgentJvm.testClasses(), BusyClockApp.class.getName(), "20000")) {
            int port = app.awaitReadyPort();
            String body = "";
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline && !body.contains("jvm_clock_callsite_calls_total{")) {
                Thread.sleep(200);
                body = AgentJvm.get(port, "/metrics", null).body;
            }
            assertTrue(body.contains("jvm_clock_callsite_calls_total{"), "instrumented call sites in:\n" + body);
            assertTrue(body.contains("vdso_clock_fallback{"), body);
            assertTrue(body.contains("vdso_agent_premain_seconds"), body);

            Path scrape = Files.createTempFile("scrape-", ".prom");
            Files.write(scrape, body.getBytes(StandardCharsets.UTF_8));
            Process check = new ProcessBuilder(promtool, "check", "metrics")
                    .redirectInput(scrape.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = Streams.readUtf8(check.getInputStream());
            assertEquals(0, check.waitFor(), output);
            assertEquals("", output.trim(), "promtool reports no problems");
            Files.delete(scrape);
        }
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
