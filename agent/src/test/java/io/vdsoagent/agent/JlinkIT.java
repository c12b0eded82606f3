package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.Streams;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, case 5: runtimes built with the JDK's own jlink. An application linked into the image as a
 * module has a {@code jrt:/} code source, which the instrumentation took for the JDK's: its clock calls
 * were silently 0. And a runtime without java.logging (jffi's StubLoader needs it) was told
 * "fix: native-dir=..." although the directory was never the problem.
 */
class JlinkIT {
    private static final int CALLS = 2_000;
    private static final Pattern NANO = Pattern.compile("^jvm_clock_calls_total\\{method=\"nanoTime\"} (\\S+)$", Pattern.MULTILINE);
    private static Path work;
    private static Path appJar;

    /** A modular application making exactly {@value #CALLS} System.nanoTime calls, then waiting on stdin. */
    @BeforeAll
    static void buildTheApplication() throws Exception {
        work = Files.createTempDirectory("jlink-it");
        Path src = work.resolve("src");
        Files.createDirectories(src.resolve("clockapp"));
        Files.write(src.resolve("module-info.java"), "module clockapp { }\n".getBytes(StandardCharsets.UTF_8));
        Files.write(src.resolve("clockapp/Loop.java"), String.join("\n",
                "package clockapp;",
                "public final class Loop {",
                "    public static void main(String[] args) throws Exception {",
                "        long sum = 0;",
                "        for (int i = 0; i < " + CALLS + "; i++) {",
                "            sum += System.nanoTime();",
                "        }",
                "        System.out.println(\"calls done \" + (sum != 0));",
                "        System.out.flush();",
                "        System.in.read();",
                "    }",
                "}", "").getBytes(StandardCharsets.UTF_8));
        Path classes = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(),
                src.resolve("module-info.java").toString(), src.resolve("clockapp/Loop.java").toString()));
        appJar = work.resolve("clockapp.jar");
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(appJar))) {
            for (String name : Arrays.asList("module-info.class", "clockapp/Loop.class")) {
                jar.putNextEntry(new java.util.jar.JarEntry(name));
                jar.write(Files.readAllBytes(classes.resolve(name)));
                jar.closeEntry();
            }
        }
    }

    @Test
    void anApplicationLinkedIntoTheImageIsCounted() throws Exception {
        Path image = jlink("app-image", "--module-path", appJar.toString(), "--add-modules",
                "clockapp,java.instrument,java.management,java.logging,jdk.unsupported");
        List<String> command = Arrays.asList(image.resolve("bin/java").toString(),
                AgentJvm.agentArg("host=127.0.0.1,port=0"), "-m", "clockapp/clockapp.Loop");
        try (AgentJvm app = AgentJvm.start(command)) {
            int port = app.awaitReadyPort();
            app.awaitStdout("calls done true", 60_000);
            String metrics = AgentJvm.get(port, "/metrics", null).body;
            Matcher m = NANO.matcher(metrics);
            assertTrue(m.find(), metrics);
            assertEquals((double) CALLS, Double.parseDouble(m.group(1)), "the application's own nanoTime calls");
            app.release();
            assertEquals(0, app.awaitExit(30), app.stderr());
            assertEquals(new ArrayList<String>(), app.foreignStderrLines());
        }
    }

    @Test
    void aRuntimeWithoutJavaLoggingIsToldWhichModuleToAdd() throws Exception {
        Path image = jlink("no-logging", "--add-modules", "java.base,java.instrument,java.management,jdk.unsupported");
        // The jnr path (JDK 8-21; forced on 22+, where FFM needs no java.logging at all).
        List<String> command = Arrays.asList(image.resolve("bin/java").toString(), "-Dvdso.native=jnr",
                AgentJvm.agentArg("host=127.0.0.1,port=0"), "-cp", appJar.toString(), "clockapp.Loop");
        try (AgentJvm app = AgentJvm.start(command)) {
            app.awaitReadyPort();
            String degraded = app.awaitStderr(Pattern.compile("^vdso-agent: degraded: .*$", Pattern.MULTILINE), 30_000).group();
            assertTrue(degraded.contains("java.logging"), degraded);
            assertFalse(degraded.contains("native-dir"), "the directory was never the problem: " + degraded);
            app.release();
            assertEquals(0, app.awaitExit(30), app.stderr());
        }
    }

    private static Path jlink(String name, String... options) throws Exception {
        Path out = work.resolve(name);
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "jlink");
        command.addAll(Arrays.asList(options));
        command.addAll(Arrays.asList("--output", out.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = Streams.readUtf8(p.getInputStream());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "jlink failed: " + output);
        return out;
    }
}
