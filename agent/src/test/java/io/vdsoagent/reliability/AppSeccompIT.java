package io.vdsoagent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, case 1: an application that installs its own seccomp filters with TSYNC (Elasticsearch,
 * OpenSearch) must never get a conflict back because of the agent's seccomp proof, at start-up or at a
 * re-probe, and the verdict must still be the proof's. Ground truth is the kernel's own answer to the
 * application's {@code seccomp(SECCOMP_FILTER_FLAG_TSYNC)} calls ({@link TsyncApp}).
 */
class AppSeccompIT {
    private static final Path WORK = new File("target/app-seccomp").toPath().toAbsolutePath();
    private static final Pattern SUMMARY = Pattern.compile(
            "tsync: calls=(\\d+) ok=(\\d+) conflicts=(\\d+) errors=(\\d+) first-error=(-?\\d+) startup-overlapped=(\\w+)");
    private static final Pattern PROOF = Pattern.compile("clock_gettime .*\\(seccomp\\)");
    private static final int MIN_CALLS = 2_000;
    /** Each permissive filter stays on every thread: past ~3,600 the kernel's BPF memory ran out here (ENOMEM). */
    private static final int MAX_CALLS = 3_000;
    private static Path library;

    @BeforeAll
    static void compileTheApplicationsJniLibrary() throws Exception {
        Files.createDirectories(WORK);
        Path source = WORK.resolve("tsyncapp.c");
        Files.write(source, TsyncApp.SOURCE.getBytes(StandardCharsets.US_ASCII));
        library = WORK.resolve("lib" + TsyncApp.LIBRARY + ".so");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "gcc is missing (Debian package gcc): " + e.getMessage());
            return;
        }
        String out = new String(readAll(gcc), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed: " + out);
    }

    @Test
    void defaultInterval() throws Exception {
        run("default-interval", "host=127.0.0.1,port=0", 4_000);
    }

    @Test
    void interval500ms() throws Exception {
        run("interval-500ms", "host=127.0.0.1,port=0,interval=500ms", 6_000);
    }

    private static void run(String name, String agentArgs, long minMillis) throws Exception {
        FaultJvm jvm = new FaultJvm().agent(agentArgs)
                // The application's own JNI library: its own grant (JEP 472 warns on JDK 24+ otherwise).
                .jvm("--enable-native-access=ALL-UNNAMED")
                .main(TsyncApp.class.getName(), library.toString(), Long.toString(minMillis),
                        Integer.toString(MIN_CALLS), Integer.toString(MAX_CALLS));
        FaultJvm.Result r = jvm.run(WORK.resolve(name), 120);
        assertEquals(0, r.exitCode, r.toString());
        String summary = null;
        for (String line : r.stdout) {
            if (line.startsWith(TsyncApp.SUMMARY)) {
                summary = line;
            }
        }
        assertTrue(summary != null, "no summary from the application: " + r);
        System.out.println(name + " (JDK " + System.getProperty("java.specification.version") + "): " + summary);
        Matcher m = SUMMARY.matcher(summary);
        assertTrue(m.find(), summary);
        int calls = Integer.parseInt(m.group(1));
        assertTrue(calls >= MIN_CALLS, "too few TSYNC calls: " + summary);
        assertEquals("true", m.group(6), "the loop must overlap the agent's start-up (first proof): " + summary);
        assertEquals(0, Integer.parseInt(m.group(4)), "the kernel refused the application's filter: " + summary);
        assertEquals(0, Integer.parseInt(m.group(3)), "TSYNC conflicts caused by the agent: " + summary);
        assertEquals(calls, Integer.parseInt(m.group(2)), summary);
        List<String> ready = new ArrayList<>();
        for (String line : r.agentLines()) {
            if (PROOF.matcher(line).find()) {
                ready.add(line);
            }
        }
        assertEquals(1, ready.size(), "the verdict must still be the seccomp proof's: " + r.agentLines());
        assertEquals(Arrays.asList(), r.foreignStderr(), r.toString());
    }

    private static byte[] readAll(Process p) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = p.getInputStream().read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
