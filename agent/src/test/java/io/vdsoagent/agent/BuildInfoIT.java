package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import io.vdsoagent.testing.ChildJvms;
import io.vdsoagent.testing.Streams;
import java.io.File;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * The version as the packaged jar tells it (metric, /report, start-up line, --version), compared with
 * the pom's version and what git says about this checkout.
 */
class BuildInfoIT {
    private static final String VERSION = System.getProperty("vdso.project.version");

    @Test
    void versionCommandPrintsVersionRevisionAndJdk() throws Exception {
        ChildJvms.Finished cli = ChildJvms.run(Arrays.asList(AgentJvm.java(), "-jar", AgentJvm.agentJar().getPath(),
                "--version"), Collections.<String, String>emptyMap(), 60);
        assertTrue(cli.exited);
        assertEquals(0, cli.exitCode, cli.output);
        assertEquals("vdso-agent " + VERSION + " (revision " + gitRevision() + ", JDK "
                + System.getProperty("java.version") + ")", cli.output.trim());
    }

    @Test
    void metricReportAndStartUpLineCarryTheVersion() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "6000", "7")) {
            int port = app.awaitReadyPort();
            String revision = gitRevision();
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertEquals(1.0, metrics.sample("vdso_agent_build_info{jdk=\"" + System.getProperty("java.version")
                    + "\",revision=\"" + revision + "\",version=\"" + VERSION + "\"}"), 0.0);
            AgentJvm.Response report = AgentJvm.get(port, "/report", null);
            assertTrue(report.body.contains("\"agent\":{\"version\":\"" + VERSION + "\",\"revision\":\"" + revision
                    + "\",\"jdk\":\"" + System.getProperty("java.version") + "\"}"), report.body);
            assertTrue(app.agentLines().get(0).contains(", version " + VERSION + " (" + revision + "), metrics on "),
                    app.agentLines().toString());
        }
    }

    /** What agent/pom.xml wrote at build time: git's short revision, or "unknown" without git. */
    private static String gitRevision() throws Exception {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
                    .directory(new File(System.getProperty("user.dir"))).redirectErrorStream(true).start();
            String out = Streams.readUtf8(git.getInputStream()).trim();
            return git.waitFor() == 0 && out.matches("[0-9a-f]{7,40}") ? out : "unknown";
        } catch (java.io.IOException noGit) {
            return "unknown";
        }
    }
}
