package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code -javaagent:vdso-agent.jar -javaagent:opentelemetry-javaagent.jar} (issue 28): our agent's start
 * waits until OpenTelemetry's premain has returned. Ground truth is OpenTelemetry's own debug output, one
 * line per class it transforms, with the thread that did it: a class of ours that loaded during its premain
 * is retransformed there, on {@code main}; one that loaded after it is transformed as it loads, on our
 * thread. Before the fix our class loader, endpoint and first probe (jnr, jffi) all loaded inside its
 * premain, and it retransformed them on {@code main}.
 */
class OtelAfterUsIT {
    /** {@code [otel.javaagent <time>] [<thread>] DEBUG ...TransformLoggingListener - Transformed <class> -- <loader>}. */
    private static final Pattern TRANSFORMED =
            Pattern.compile("\\[otel\\.javaagent [^\\]]*\\] \\[([^\\]]+)\\] DEBUG \\S+ - Transformed (\\S+) -- (\\S+)");
    private static final String OUR_LOADER_CLASS = "io.vdsoagent.bootstrap.AgentClassLoader";

    @Test
    void ourStartWaitsForOpenTelemetrysPremain() throws Exception {
        String otel = classPathEntry("opentelemetry-javaagent");
        assumeTrue(otel != null, "skipped: opentelemetry-javaagent is not on the test class path "
                + "(agent/pom.xml's test dependency io.opentelemetry.javaagent:opentelemetry-javaagent did not resolve)");
        List<String> jvmArgs = Arrays.asList(
                AgentJvm.agentArg("host=127.0.0.1,port=0"),
                "-javaagent:" + otel,
                "-Dotel.javaagent.debug=true",
                "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none");
        try (AgentJvm jvm = AgentJvm.start(jvmArgs, AgentJvm.testClasses(), "agentit.SleepyApp", "stdin")) {
            jvm.awaitReadyPort(); // our start is over: loader, endpoint, registry and first probe have loaded
            // OpenTelemetry instruments our loader's loadClass (boot delegation), so it always logs that class.
            jvm.awaitStderr(Pattern.compile("Transformed " + Pattern.quote(OUR_LOADER_CLASS) + " -- "), 30_000);
            List<String> ours = new ArrayList<>();
            List<String> onMain = new ArrayList<>();
            Matcher m = TRANSFORMED.matcher(jvm.stderr());
            while (m.find()) {
                String thread = m.group(1);
                boolean oursClass = m.group(2).equals(OUR_LOADER_CLASS) || m.group(3).startsWith(OUR_LOADER_CLASS + "@");
                if (oursClass) {
                    ours.add(thread + " " + m.group(2));
                    if (thread.equals("main")) {
                        onMain.add(m.group(2));
                    }
                }
            }
            assertFalse(ours.isEmpty(), "OpenTelemetry logged no transformation of our classes:\n" + jvm.stderr());
            assertEquals(new ArrayList<String>(), onMain, "classes of our loader loaded inside OpenTelemetry's premain "
                    + "(it retransformed them on main); all of ours it transformed: " + ours);
            jvm.release();
            assertEquals(0, jvm.awaitExit(60));
        }
    }

    /** The jar on the test class path whose name starts with {@code artifact}, or null. */
    private static String classPathEntry(String artifact) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (new File(entry).getName().startsWith(artifact)) {
                return entry;
            }
        }
        return null;
    }
}
