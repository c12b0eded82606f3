package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.ExitDuringStubApp;
import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, case 6: jffi's stub was left in the temp directory when the JVM exited during the agent's
 * start (1 in 31 runs on JDK 17). Here the application exits exactly in that window: the moment the
 * agent's private jffi directory appears (the jnr path, forced on any JDK). Ground truth: the directory
 * listing after the JVM (and the short-lived seccomp proof process, which may outlive it) are gone.
 */
class JffiStubExitIT {

    @Test
    void noStubIsLeftWhenTheJvmExitsWhileItIsPlaced() throws Exception {
        File tmp = Files.createTempDirectory("jffi-exit").toFile();
        List<String> flags = Arrays.asList("-Djava.io.tmpdir=" + tmp, "-Dvdso.native=jnr",
                AgentJvm.agentArg("host=127.0.0.1,port=0"));
        try (AgentJvm app = AgentJvm.start(flags, AgentJvm.testClasses(), ExitDuringStubApp.class.getName(),
                tmp.getPath(), "60000")) {
            assertEquals(0, app.awaitExit(90), "the stub directory never appeared: " + app.stdout() + app.stderr());
            assertTrue(app.stdout().startsWith("exit with vdso-agent-jffi"), app.stdout());
        }
        long deadline = System.currentTimeMillis() + 15_000;
        String[] left = tmp.list();
        while (System.currentTimeMillis() < deadline && left != null && left.length > 0) {
            Thread.sleep(100);
            left = tmp.list();
        }
        assertEquals("[]", Arrays.toString(left), "left in java.io.tmpdir after the JVM exited");
        assertTrue(tmp.delete());
    }
}
