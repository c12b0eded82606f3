package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.TightApp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's two tight JVMs: with the agent the application runs exactly as without it (exit code,
 * stdout), because the agent skips what does not fit instead of taking the JVM into an
 * OutOfMemoryError.
 */
class HeadroomIT {

    @Test
    void smallMetaspace() throws Exception {
        sameWithAndWithout(Arrays.asList("-XX:MaxMetaspaceSize=10m"), "1", "3000");
    }

    @Test
    void smallHeapWithLiveDataAndExitOnOutOfMemory() throws Exception {
        sameWithAndWithout(Arrays.asList("-Xmx16m", "-XX:+ExitOnOutOfMemoryError"), "11", "3000");
    }

    /**
     * Issue 24: 12 MiB live in a 16 MiB heap ran 5 of 5 without the agent and 0 of 5 with it on JDK 17
     * (the transformer was registered before the heap check). Standing down sets nothing up: five runs
     * each way end alike, and the JVM's own class-load log shows no class of ours but the bootstrap's
     * entry point and its heap check.
     */
    @Test
    void sixteenMiBHeapWithTwelveLiveRunsAsWithoutTheAgentFiveTimes() throws Exception {
        List<String> flags = Arrays.asList("-Xmx16m", "-XX:+ExitOnOutOfMemoryError");
        for (int i = 0; i < 5; i++) {
            sameWithAndWithout(flags, "12", "3000");
        }
        java.nio.file.Path log = java.nio.file.Files.createTempFile("classload", ".log");
        List<String> logged = new ArrayList<>(flags);
        logged.add("-Xlog:class+load=info:file=" + log);
        logged.add(AgentJvm.agentArg("host=127.0.0.1,port=0"));
        try (AgentJvm app = AgentJvm.start(logged, AgentJvm.testClasses(), TightApp.class.getName(), "12", "500")) {
            assertEquals(0, app.awaitExit(60), app.stderr());
        }
        List<String> ours = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(log)) {
            if (line.contains(" io.vdsoagent.")) {
                ours.add(line.replaceAll("^.*\\] (io\\.vdsoagent\\.[^ ]+) .*$", "$1"));
            }
        }
        java.nio.file.Files.delete(log);
        assertEquals(Arrays.asList("io.vdsoagent.bootstrap.AgentBootstrap", "io.vdsoagent.bootstrap.HeapFloor"), ours,
                "standing down for memory loads no transformer, rewriter or thread of ours");
    }

    private static void sameWithAndWithout(List<String> jvmFlags, String liveMiB, String runMillis) throws Exception {
        String bare;
        int bareExit;
        try (AgentJvm app = AgentJvm.start(jvmFlags, AgentJvm.testClasses(), TightApp.class.getName(), liveMiB, runMillis)) {
            bareExit = app.awaitExit(60);
            bare = app.stdout();
            Assumptions.assumeTrue(bareExit == 0, "the application itself must run with " + jvmFlags
                    + " on this JDK (exit " + bareExit + "): " + app.stderr());
        }
        List<String> withAgent = new ArrayList<>(jvmFlags);
        withAgent.add(AgentJvm.agentArg("host=127.0.0.1,port=0"));
        try (AgentJvm app = AgentJvm.start(withAgent, AgentJvm.testClasses(), TightApp.class.getName(), liveMiB, runMillis)) {
            int exit = app.awaitExit(60);
            String stderr = app.stderr();
            assertEquals(bareExit, exit, "exit code with the agent; stderr:\n" + stderr);
            assertEquals(bare, app.stdout(), "stdout with the agent");
            assertFalse(stderr.contains("OutOfMemoryError"), stderr);
            assertTrue(app.agentLines().size() <= 2, "one line, two with a skip: " + app.agentLines());
            assertEquals(new ArrayList<String>(), app.foreignStderrLines(), "nothing else on stderr");
        }
    }
}
