package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import agentit.SleepyApp;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Native access in real JVMs with the packaged agent, judged from outside: the child's stderr, its
 * {@code /proc/<pid>/maps} (which native library is mapped from where), the directories it could have
 * written to, and its metrics. JDK 22+ must use FFM (no jffi mapped, nothing written, no JDK warning);
 * JDK 8-21 jnr with the agent's own stub, from wherever it could be loaded, and never from the
 * application's working directory. Run on JDK 17 and on Temurin 25 (CI runs both).
 */
class NativeAccessIT {
    private static final List<String> CLOCKS = Arrays.asList("realtime", "monotonic", "process_cputime",
            "thread_cputime", "monotonic_raw", "realtime_coarse", "monotonic_coarse", "boottime", "tai");
    private static final Pattern SECCOMP_ROW = Pattern.compile("^vdso_clock_fallback\\{clock=\"([a-z_]+)\",detector=\"seccomp\"",
            Pattern.MULTILINE);
    private static final String NOBODY = "65534";

    private static boolean ffmExpected() {
        return AgentJvm.javaFeature() >= 22 && !"jnr".equals(System.getProperty("vdso.it.native"));
    }

    @Test
    void defaultFlagsStderrHoldsOnlyOurLineNothingIsWrittenAndSeccompDecidesAllNine() throws Exception {
        Path tmp = Files.createTempDirectory("native-it-tmp");
        Path cwd = Files.createTempDirectory("native-it-cwd");
        try (AgentJvm app = AgentJvm.start(javaCommand(tmp, AgentJvm.testClasses()), cwd.toFile())) {
            int port = app.awaitReadyPort();
            String metrics = AgentJvm.get(port, "/metrics", null).body;
            String maps = maps(app.pid());
            assertEquals(CLOCKS.stream().sorted().collect(Collectors.toList()), seccompClocks(metrics), metrics);
            assertTrue(metrics.contains("vdso_agent_degraded{reason=\"native_unavailable\"} 0"), metrics);
            if (ffmExpected()) {
                assertFalse(maps.contains("libjffi"), "FFM needs no jffi stub:\n" + maps);
            } else {
                assertTrue(maps.contains("/vdso-agent-jffi") && maps.contains("libjffi-1.2.so"),
                        "the agent's own stub, from its private directory:\n" + maps);
            }
            assertEquals(0, app.awaitExit(30));
            assertEquals(new ArrayList<String>(), app.foreignStderrLines(), "stderr beyond the agent's line");
            assertEquals(1, app.agentLines().size(), app.agentLines().toString());
            assertEquals(list(tmp), new ArrayList<String>(), "left in java.io.tmpdir");
            assertEquals(list(cwd), new ArrayList<String>(), "written into the working directory");
        }
    }

    /**
     * The application ships jffi 1.2.23's native jar (2012's stub, missing symbols jffi 1.4 calls). On the
     * jnr path the mapped stub must be byte-for-byte the agent's own; on FFM no stub at all.
     */
    @Test
    void anApplicationsOldJffiNativeJarDoesNotReplaceOurStub() throws Exception {
        File oldJffi = new File(System.getProperty("vdso.old-jffi.dir"), "jffi-1.2.23-native.jar");
        assertTrue(oldJffi.isFile(), "missing " + oldJffi + " (maven-dependency-plugin copies it)");
        Path tmp = Files.createTempDirectory("native-it-tmp");
        List<String> cmd = javaCommand(tmp, AgentJvm.testClasses() + File.pathSeparator + oldJffi);
        try (AgentJvm app = AgentJvm.start(cmd, null)) {
            int port = app.awaitReadyPort();
            assertEquals(CLOCKS.size(), seccompClocks(AgentJvm.get(port, "/metrics", null).body).size());
            String maps = maps(app.pid());
            List<String> stubs = Arrays.stream(maps.split("\n")).filter(l -> l.contains("libjffi") || l.contains("jffi"))
                    .collect(Collectors.toList());
            if (ffmExpected()) {
                assertEquals(new ArrayList<String>(), stubs, "FFM maps no jffi stub");
                return;
            }
            assertFalse(stubs.isEmpty(), maps);
            for (String line : stubs) {
                assertTrue(line.contains("/vdso-agent-jffi"), "a stub from anywhere but our private directory: " + line);
            }
            Path mapped = Paths.get("/proc/" + app.pid() + "/map_files/" + stubs.get(0).split(" ")[0]);
            assumeTrue(Files.isReadable(mapped), "reading " + mapped + " needs CAP_SYS_ADMIN; the path check above stands");
            assertEquals(md5(ourStub()), md5(Files.readAllBytes(mapped)), "the mapped stub is not the agent's");
        }
    }

    // ---- a non-root user with an unwritable or noexec java.io.tmpdir (root + unshare -m needed to set up) ----

    @Test
    void unwritableTmpdirAsNobody() throws Exception {
        Path tmp = Files.createTempDirectory("native-it-ro");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-xr-xr-x"));
        expectSeccompOrLoud(asNobody(tmp, false, false), false);
    }

    @Test
    void noexecTmpdirAsNobody() throws Exception {
        Path tmp = Files.createTempDirectory("native-it-noexec");
        expectSeccompOrLoud(asNobody(tmp, true, false), false);
    }

    /** Nowhere executable to put jffi's stub: FFM still answers; jnr must degrade loudly. */
    @Test
    void noexecEverywhereAsNobodyIsLoudOnJnr() throws Exception {
        Path tmp = Files.createTempDirectory("native-it-noexec");
        expectSeccompOrLoud(asNobody(tmp, true, true), !ffmExpected());
    }

    private static void expectSeccompOrLoud(Run run, boolean degraded) throws Exception {
        try (AgentJvm app = run.jvm) {
            int port = app.awaitReadyPort();
            String metrics = AgentJvm.get(port, "/metrics", null).body;
            String report = AgentJvm.get(port, "/report", null).body;
            String agentLines = String.join("\n", app.agentLines());
            if (degraded) {
                assertTrue(metrics.contains("vdso_agent_degraded{reason=\"native_unavailable\"} 1"), metrics);
                assertEquals(new ArrayList<String>(), seccompClocks(metrics));
                assertTrue(agentLines.contains("verdicts are clocksource-name guesses")
                        && agentLines.contains("native-dir"), "the line must say guesses, why and the fix:\n" + agentLines);
                assertEquals(CLOCKS.size(), count(report, "\"degraded\":\""), "/report per clock:\n" + report);
            } else {
                assertEquals(CLOCKS.stream().sorted().collect(Collectors.toList()), seccompClocks(metrics),
                        agentLines + "\n" + metrics);
                assertTrue(metrics.contains("vdso_agent_degraded{reason=\"native_unavailable\"} 0"), metrics);
            }
            assertEquals(0, app.awaitExit(30));
            assertEquals(new ArrayList<String>(), app.foreignStderrLines(), "stderr beyond the agent's lines");
            assertEquals(list(run.cwd), new ArrayList<String>(), "written into the working directory");
        }
    }

    private static final class Run {
        final AgentJvm jvm;
        final Path cwd;

        Run(AgentJvm jvm, Path cwd) {
            this.jvm = jvm;
            this.cwd = cwd;
        }
    }

    /**
     * The child runs as uid/gid 65534 in a private mount namespace, where {@code tmp} (and with
     * {@code shmNoexec} also /dev/shm) can be a fresh noexec tmpfs; the host's mounts are untouched. Its
     * working directory is world-writable, so a write there would show.
     */
    private static Run asNobody(Path tmp, boolean tmpNoexec, boolean shmNoexec) throws Exception {
        assumeTrue("0".equals(run("id", "-u").trim()), "needs root to switch to uid 65534 and mount");
        assumeTrue(exitCode("unshare", "-m", "--propagation", "private", "true") == 0,
                "needs unshare -m (a private mount namespace for the noexec tmpfs)");
        Path cwd = Files.createTempDirectory("native-it-cwd");
        Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxrwxrwx"));
        String script = (tmpNoexec ? "mount -t tmpfs -o noexec,mode=1777 tmpfs \"$1\" || exit 97; " : "")
                + (shmNoexec ? "mount -t tmpfs -o noexec,mode=1777 tmpfs /dev/shm || exit 97; " : "")
                + "shift; exec setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups \"$@\"";
        List<String> cmd = new ArrayList<>(Arrays.asList("unshare", "-m", "--propagation", "private", "sh", "-c", script,
                "sh", tmp.toString()));
        cmd.addAll(javaCommand(tmp, AgentJvm.testClasses()));
        return new Run(AgentJvm.start(cmd, cwd.toFile()), cwd);
    }

    /**
     * {@code java -Djava.io.tmpdir=<tmp> -javaagent:... -cp <cp> SleepyApp 8000}; with
     * {@code -Dvdso.it.native=jnr} the child is told to use jnr even on JDK 22+ (both paths on Temurin 25).
     */
    private static List<String> javaCommand(Path tmp, String classPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(AgentJvm.java());
        String forced = System.getProperty("vdso.it.native");
        if (forced != null && !forced.isEmpty() && !"auto".equals(forced)) {
            cmd.add("-Dvdso.native=" + forced);
        }
        cmd.add("-Djava.io.tmpdir=" + tmp);
        // start-delay=0: the app lives 8 s, less than start-delay=auto may wait on a loaded host
        cmd.add(AgentJvm.agentArg("port=0,host=127.0.0.1,instrument=false,start-delay=0"));
        cmd.addAll(Arrays.asList("-cp", classPath, SleepyApp.class.getName(), "8000"));
        return cmd;
    }

    private static int exitCode(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        io.vdsoagent.testing.Streams.readUtf8(p.getInputStream());
        return p.waitFor();
    }

    private static List<String> seccompClocks(String metrics) {
        List<String> clocks = new ArrayList<>();
        Matcher m = SECCOMP_ROW.matcher(metrics);
        while (m.find()) {
            clocks.add(m.group(1));
        }
        clocks.sort(null);
        return clocks;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String maps(long pid) throws IOException {
        return new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/maps")), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }

    private static byte[] ourStub() throws IOException {
        try (ZipFile jar = new ZipFile(AgentJvm.agentJar())) {
            ZipEntry e = jar.getEntry("inst/jni/x86_64-Linux/libjffi-1.2.so");
            assumeTrue(e != null && "amd64".equals(System.getProperty("os.arch")), "x86_64 only");
            try (InputStream in = jar.getInputStream(e)) {
                return io.vdsoagent.testing.Streams.readAll(in);
            }
        }
    }

    private static String md5(byte[] bytes) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("MD5").digest(bytes)) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static String run(String... command) throws Exception {
        // Only for short commands whose output is small.
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = io.vdsoagent.testing.Streams.readUtf8(p.getInputStream());
        p.waitFor();
        return out;
    }
}
