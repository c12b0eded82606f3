package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, case 6: a class whose method the rewrite would take past the JVM's 64 KiB limit loads
 * unchanged (right), but was counted as "failed" with no word anywhere a user looks. Now it is its own
 * state, {@code jvm_clock_instrumentation_classes{state="too_large"}}, and /report names the class.
 * The class is real: javac accepts its 10,000-call method (60 KB); one more push per call does not fit.
 */
class TooLargeIT {
    private static final int CALLS = 10_000;

    @Test
    void aMethodTooLargeToRewriteIsReportedByName() throws Exception {
        Path dir = Files.createTempDirectory("too-large");
        StringBuilder src = new StringBuilder("public final class BigClock {\n  static long big() {\n    long s = 0;\n");
        for (int i = 0; i < CALLS; i++) {
            src.append("    s += System.nanoTime();\n");
        }
        src.append("    return s;\n  }\n  public static void main(String[] a) throws Exception {\n")
                .append("    System.out.println(\"big done \" + (big() != 0));\n    System.out.flush();\n")
                .append("    System.in.read();\n  }\n}\n");
        Path file = dir.resolve("BigClock.java");
        Files.write(file, src.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), file.toString()));

        List<String> flags = Arrays.asList(AgentJvm.agentArg("host=127.0.0.1,port=0"));
        try (AgentJvm app = AgentJvm.start(flags, dir.toString(), "BigClock")) {
            int port = app.awaitReadyPort();
            app.awaitStdout("big done true", 60_000);
            String metrics = "";
            long deadline = System.currentTimeMillis() + 30_000;
            while (!metrics.contains("jvm_clock_instrumentation_classes{state=\"too_large\"} 1")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200); // the instrumentation's series appear once it is installed
                metrics = AgentJvm.get(port, "/metrics", null).body;
            }
            assertTrue(metrics.contains("jvm_clock_instrumentation_classes{state=\"too_large\"} 1"), metrics);
            assertTrue(metrics.contains("jvm_clock_instrumentation_classes{state=\"failed\"} 0"), metrics);
            String report = AgentJvm.get(port, "/report", null).body;
            assertTrue(report.contains("\"tooLarge\":1,\"tooLargeClasses\":[\"BigClock\"]"), report);
            app.release();
            assertEquals(0, app.awaitExit(30), app.stderr());
        }
    }
}
