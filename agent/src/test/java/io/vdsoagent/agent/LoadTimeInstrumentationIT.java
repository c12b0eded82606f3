package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #18: classes are rewritten as they load, never by retransforming running code, and the
 * application keeps its CDS archive. Ground truth is the JVM's own logging: {@code -Xlog:redefine+class}
 * lists every class redefined or retransformed ("redefined name=..."), {@code -Xlog:class+load} says
 * which classes came from the shared archive.
 */
class LoadTimeInstrumentationIT {

    private static final Pattern WINDOW = Pattern.compile("^window (\\d+) (\\d+)(?: (\\d+))?$", Pattern.MULTILINE);
    private static final Pattern RETRANSFORMED = Pattern.compile("redefined name=([^,\\s]+)");
    private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    @TempDir
    Path tmp;

    @Test
    void premainModeCountsCallsWithoutRetransformingAnyClass() throws Exception {
        Path redefined = tmp.resolve("redefine.log");
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("port=0,host=127.0.0.1"),
                "-Xlog:redefine+class*=info:file=" + redefined), AgentJvm.testClasses(), "agentit.BusyClockApp",
                "8000")) {
            int port = app.awaitReadyPort();
            String report = awaitReport(port, "\"agentit.BusyClockApp.tick:");
            assertTrue(report.contains("\"mode\":\"premain\""), report);
            assertTrue(report.contains("\"retransformed\":0,"), report);
            assertEquals(0, app.awaitExit(60), app.stderr());
            assertEquals("done true\n", app.stdout());
        }
        List<String> classes = retransformedClasses(redefined);
        assertEquals(Collections.emptyList(), classes, "the JVM retransformed classes in premain mode");
    }

    @Test
    void attachModeLeavesTheRunningLoopAloneAndRetransformsTheRest() throws Exception {
        Path redefined = tmp.resolve("redefine.log");
        try (AgentJvm app = AgentJvm.start(Arrays.asList("-XX:+EnableDynamicAgentLoading",
                "-Xlog:redefine+class*=info:file=" + redefined), AgentJvm.testClasses(), "agentit.AttachTargetApp",
                "250", "48")) {
            awaitWindows(app, 4);
            try (AgentJvm cli = AgentJvm.start(Arrays.asList(AgentJvm.java(), "-jar", AgentJvm.agentJar().getAbsolutePath(),
                    "attach", String.valueOf(app.pid()), "port=0,host=127.0.0.1,clocksource-poll=1s"))) {
                assertEquals(0, cli.awaitExit(60), cli.stderr());
            }
            int port = app.awaitReadyPort();
            String report = awaitReport(port, "\"agentit.AttachTargetApp$Ticker.tick:");
            assertTrue(report.contains("\"mode\":\"attach\""), report);
            assertTrue(report.contains("\"skippedWhileRunning\":1,"), report);
            assertEquals(0, app.awaitExit(60), app.stderr());
        }
        // Positive control for the log: the JVM did log the class we retransformed.
        List<String> classes = retransformedClasses(redefined);
        assertTrue(classes.contains("agentit.AttachTargetApp$Ticker"), "retransformed: " + classes);
        assertFalse(classes.contains("agentit.AttachTargetApp"), "retransformed the running class: " + classes);
    }

    /**
     * A hot loop already running in main() when the agent starts must keep its speed: a gross-harm guard
     * (within 1.5x), not a benchmark. Rates are per ms of the loop thread's CPU time and rounds alternate
     * with runs without the agent: the host is shared.
     */
    @Test
    void aHotLoopRunningAcrossTheAgentsStartKeepsItsSpeed() throws Exception {
        List<Double> bare = new ArrayList<>();
        List<Double> withAgent = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            bare.add(lateWindowsMedian(Collections.<String>emptyList()));
            withAgent.add(lateWindowsMedian(Collections.singletonList(AgentJvm.agentArg("port=0,host=127.0.0.1"))));
        }
        double ratio = median(withAgent) / median(bare);
        assertTrue(ratio > 1 / 1.5, "loop speed with the agent / without: " + ratio + " (" + withAgent + " vs " + bare + ")");
    }

    private static double lateWindowsMedian(List<String> jvmArgs) throws Exception {
        try (AgentJvm app = AgentJvm.start(jvmArgs, AgentJvm.testClasses(), "agentit.HotLoopApp", "250", "24")) {
            assertEquals(0, app.awaitExit(60), app.stderr());
            List<Long> rates = new ArrayList<>();
            Matcher m = WINDOW.matcher(app.stdout());
            while (m.find()) {
                if (Integer.parseInt(m.group(1)) >= 12) { // the agent started long before window 12 (3 s)
                    rates.add(Long.parseLong(m.group(3))); // per ms of the loop thread's CPU time
                }
            }
            assertEquals(12, rates.size(), app.stdout());
            Collections.sort(rates);
            return (rates.get(5) + rates.get(6)) / 2.0;
        }
    }

    /** JDK 17 AppCDS: an archive made without the agent is used as it is, -Xshare:on starts, stdout stays the app's. */
    @Test
    void anAppCdsArchiveMadeWithoutTheAgentIsUsedWithIt() throws Exception {
        assumeTrue(AgentJvm.javaFeature() >= 13, "dynamic AppCDS (-XX:ArchiveClassesAtExit) needs JDK 13+");
        File jar = appJar();
        Path archive = tmp.resolve("app.jsa");
        String expected = runApp(Arrays.asList(AgentJvm.java(), "-XX:ArchiveClassesAtExit=" + archive), jar);
        assertTrue(Files.size(archive) > 0);
        Path classLog = tmp.resolve("classes.log");
        String withAgent = runApp(Arrays.asList(AgentJvm.java(), "-XX:SharedArchiveFile=" + archive, "-Xshare:on",
                "-Xlog:class+load=info:file=" + classLog, AgentJvm.agentArg("port=0,host=127.0.0.1")), jar);
        assertEquals(expected, withAgent);
        assertTrue(sharedClasses(classLog) > 500, "classes from the archive: " + sharedClasses(classLog));
    }

    /**
     * JDK 25 AOT cache. Any -javaagent (even one whose premain does nothing) implies
     * {@code --add-modules java.instrument}, and the JVM rejects a cache made without that module with five
     * error lines on stdout, before premain runs. A cache made with {@code --add-modules java.instrument}
     * and without the agent is used as it is.
     */
    @Test
    void anAotCacheMadeWithoutTheAgentIsUsedWithIt() throws Exception {
        assumeTrue(new File(JDK25).canExecute(), "Temurin 25 at " + JDK25);
        File jar = appJar();
        Path cache = tmp.resolve("app.aot");
        runApp(Arrays.asList(JDK25, "-XX:AOTCacheOutput=" + cache, "--add-modules", "java.instrument"), jar);
        assertTrue(Files.size(cache) > 0);
        String expected = "window\nwindow\nwindow\ndone true\n";
        Path classLog = tmp.resolve("classes.log");
        String withAgent = runApp(Arrays.asList(JDK25, "-XX:AOTCache=" + cache, "-XX:AOTMode=on",
                "-Xlog:class+load=info:file=" + classLog, AgentJvm.agentArg("port=0,host=127.0.0.1")), jar);
        assertEquals(expected, withAgent);
        assertTrue(sharedClasses(classLog) > 500, "classes from the cache: " + sharedClasses(classLog));
    }

    private String runApp(List<String> jvm, File jar) throws Exception {
        List<String> command = new ArrayList<>(jvm);
        command.addAll(Arrays.asList("-cp", jar.getPath(), "agentit.HotLoopApp", "20", "3"));
        try (AgentJvm app = AgentJvm.start(command)) {
            assertEquals(0, app.awaitExit(120), app.stdout() + app.stderr());
            // The JVM reports on AOT cache creation on stdout itself; a run with the cache must not.
            return WINDOW.matcher(app.stdout()).replaceAll("window");
        }
    }

    /** AppCDS archives classes from jars only: the loop app in a jar of its own. */
    private File appJar() throws IOException {
        File jar = tmp.resolve("app.jar").toFile();
        Path classFile = new File(AgentJvm.testClasses(), "agentit/HotLoopApp.class").toPath();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
            out.putNextEntry(new JarEntry("agentit/HotLoopApp.class"));
            out.write(Files.readAllBytes(classFile));
            out.closeEntry();
        }
        return jar;
    }

    private static long sharedClasses(Path classLog) throws IOException {
        return Files.readAllLines(classLog, StandardCharsets.UTF_8).stream()
                .filter(l -> l.endsWith("source: shared objects file")).count();
    }

    private static List<String> retransformedClasses(Path redefineLog) throws IOException {
        List<String> classes = new ArrayList<>();
        if (!Files.exists(redefineLog)) {
            return classes;
        }
        for (String line : Files.readAllLines(redefineLog, StandardCharsets.UTF_8)) {
            Matcher m = RETRANSFORMED.matcher(line);
            if (m.find()) {
                classes.add(m.group(1));
            }
        }
        return classes;
    }

    private static void awaitWindows(AgentJvm app, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = WINDOW.matcher(app.stdout());
            int seen = 0;
            while (m.find()) {
                seen++;
            }
            if (seen >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + n + " windows: " + app.stdout() + app.stderr());
    }

    /** Polls /report until it contains {@code needle} (the instrumentation counts from then on). */
    private static String awaitReport(int port, String needle) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            AgentJvm.Response r = AgentJvm.get(port, "/report", null);
            last = r.body;
            if (r.status == 200 && last.contains(needle)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no [" + needle + "] in /report: " + last);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
