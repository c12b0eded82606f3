package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.OldDepsApp;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An application with old Byte Buddy 1.10, Micrometer 1.5, slf4j 1.7 and jnr-posix 3.0 on its class path
 * (copied by maven-dependency-plugin into target/old-deps): its classes come from its own jars and work,
 * and the agent, with the current versions of the same libraries, serves its metrics next to it.
 */
class OldDependenciesIT {

    @Test
    void applicationKeepsItsOldLibrariesAndTheAgentKeepsItsOwn() throws Exception {
        File dir = new File(System.getProperty("vdso.old-deps.dir", "target/old-deps"));
        File[] jars = dir.listFiles((d, name) -> name.endsWith(".jar"));
        assertTrue(jars != null && jars.length == 4, "old-deps jars in " + dir);
        List<String> classPath = new ArrayList<>();
        classPath.add(AgentJvm.testClasses());
        for (File jar : jars) {
            classPath.add(jar.getAbsolutePath());
        }
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1")),
                String.join(File.pathSeparator, classPath), OldDepsApp.class.getName(), "6000")) {
            int port = app.awaitReadyPort();
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics", null);
            assertEquals(200, metrics.status);
            assertTrue(metrics.body.contains("vdso_clock_fallback"), metrics.body);

            assertEquals(0, app.awaitExit(60), app.stderr());
            String out = app.stdout();
            assertTrue(out.contains("net.bytebuddy.ByteBuddy=" + dir.getAbsolutePath() + "/byte-buddy-1.10.22.jar"), out);
            assertTrue(out.contains("SimpleMeterRegistry=" + dir.getAbsolutePath() + "/micrometer-core-1.5.17.jar"), out);
            assertTrue(out.contains("org.slf4j.LoggerFactory=" + dir.getAbsolutePath() + "/slf4j-api-1.7.36.jar"), out);
            assertTrue(out.contains("jnr.posix.POSIX=" + dir.getAbsolutePath() + "/jnr-posix-3.0.61.jar"), out);
            assertTrue(out.contains("bytebuddy-subclass=true"), out);
            assertTrue(out.contains("micrometer-count=1.0"), out);
        }
    }
}
