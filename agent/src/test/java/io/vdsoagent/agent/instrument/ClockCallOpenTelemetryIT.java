package io.vdsoagent.agent.instrument;

import io.vdsoagent.testing.ChildJvms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our packaged agent and the OpenTelemetry Java agent (another Byte Buddy agent that retransforms
 * classes) in one JVM, in both -javaagent orders: the application still counts exactly, its values stay
 * monotonic, and both agents are live. Needs agent/target/vdso-agent.jar with its real premain (built by
 * the package phase before failsafe runs).
 */
class ClockCallOpenTelemetryIT {

    private static final int CALLS = 100_000;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void countsExactlyNextToTheOpenTelemetryAgent(boolean oursFirst) throws Exception {
        File ours = new File("target/vdso-agent.jar");
        assertTrue(ours.isFile(), "missing " + ours.getAbsolutePath() + ": run the package phase (mvn verify)");
        try (JarFile jar = new JarFile(ours)) {
            assertTrue(jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Premain-Class") != null,
                    ours + " has no Premain-Class: this IT needs the agent jar packaging (branch agent) merged");
        }
        String otel = classPathEntry("opentelemetry-javaagent");
        String ourAgent = "-javaagent:" + ours.getAbsolutePath();
        String otelAgent = "-javaagent:" + otel;

        List<String> command = new ArrayList<String>();
        command.add(ChildJvms.java());
        command.addAll(oursFirst ? Arrays.asList(ourAgent, otelAgent) : Arrays.asList(otelAgent, ourAgent));
        command.addAll(Arrays.asList(
                "-Dvdso.agent.port=0",
                "-Dvdso.agent.instrument-include=clockapp",
                "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                "-cp", new File("target/test-classes").getAbsolutePath(),
                "clockapp.CoexistenceApp", Integer.toString(CALLS)));
        ChildJvms.Finished run = ChildJvms.run(command, Collections.<String, String>emptyMap(), 120);
        String output = run.output;
        String result = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("counted=")) {
                result = line;
            }
        }
        assertTrue(run.exited, "app did not finish:\n" + output);
        assertEquals(0, run.exitCode, "app failed:\n" + output);
        assertEquals("counted=" + CALLS + " expected=" + CALLS + " backwards=0 otel=true", result, output);
        assertFalse(output.contains("Exception"), "an agent printed an exception:\n" + output);
    }

    private static String classPathEntry(String artifact) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (new File(entry).getName().startsWith(artifact)) {
                return entry;
            }
        }
        throw new AssertionError(artifact + " not on the test class path (agent/pom.xml test dependency)");
    }
}
