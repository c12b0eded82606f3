package io.vdsoagent.reliability;

import io.vdsoagent.testing.ChildJvms;
import io.vdsoagent.testing.Streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix: real JVMs with the packaged agent meet what odd machines throw at them. Every
 * case asserts that the application's stdout and exit code are unchanged, its main was not held up
 * (generous bound: the figure is reported, not judged), nothing but the agent's own lines reached
 * stderr, and exactly one agent line names the problem. The outcome table is printed and written to
 * {@code target/fault-matrix.md}.
 */
class FaultMatrixIT {
    /**
     * Catches a fault that blocks premain (a hung read or connect waits out a timeout of many seconds), not
     * a slow start: at load 15 on 2 cores a healthy premain was measured 2.1-4.1 s behind a single baseline
     * run, so a tighter bound tests the machine's load. The real figure goes into the table.
     */
    private static final long MAX_MAIN_DELAY_MILLIS = 10_000;
    private static final Pattern READY = Pattern.compile("vdso-agent: clocksource .*, (metrics on |metrics NOT served)");
    private static final Pattern PORT = ChildJvms.READY_PORT;
    private static final Map<String, String> TABLE = new TreeMap<>();
    private static final Path WORK = Paths.get("target", "fault-matrix");
    private static long baselineMainMillis;

    @BeforeAll
    static void baseline() throws Exception {
        FaultJvm.agentJar();
        // The same app without the agent: when its main starts is the yardstick for "not delayed".
        FaultJvm.Result plain = new FaultJvm().app(0, 0, 0).run(WORK.resolve("baseline"), 60);
        assertEquals(FaultApp.EXIT_CODE, plain.exitCode, plain.toString());
        assertEquals(Arrays.asList(FaultApp.STDOUT_LINE), plain.stdout);
        baselineMainMillis = plain.mainEnteredMillis();
    }

    @AfterAll
    static void table() throws IOException {
        StringBuilder md = new StringBuilder("| case | outcome |\n|---|---|\n");
        for (Map.Entry<String, String> e : TABLE.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().replace("|", "\\|")).append(" |\n");
        }
        md.append("\nbaseline: main entered ").append(baselineMainMillis).append(" ms after JVM start without the agent\n");
        Files.createDirectories(WORK);
        Files.write(WORK.resolve("../fault-matrix.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println(md);
    }

    // ---- agent arguments and configuration ----

    @Test
    void healthyControl() throws Exception {
        FaultJvm.Result r = runApp("healthy", new FaultJvm().agent("host=127.0.0.1,port=0"));
        assertUnharmed("healthy control", r, READY, 1);
    }

    @Test
    void metricsPortAlreadyBound() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FaultJvm.Result r = runApp("port-bound",
                    new FaultJvm().agent("host=127.0.0.1,port=" + taken.getLocalPort()));
            assertUnharmed("metrics port already bound", r,
                    Pattern.compile("metrics NOT served: cannot listen on 127\\.0\\.0\\.1:" + taken.getLocalPort()), 1);
        }
    }

    @Test
    void malformedPort() throws Exception {
        FaultJvm.Result r = runApp("port-malformed", new FaultJvm().agent("host=127.0.0.1,port=abc,instrument=false"));
        assertUnharmed("port=abc", r, Pattern.compile("bad value for port \\[abc\\], metrics endpoint OFF"), 2);
    }

    @Test
    void unknownKey() throws Exception {
        FaultJvm.Result r = runApp("unknown-key", new FaultJvm().agent("host=127.0.0.1,port=0,colour=blue,instrument=false"));
        assertUnharmed("unknown key colour=blue", r, Pattern.compile("unknown key \\[colour\\].*endpoint OFF"), 2);
    }

    @Test
    void outOfRangeValues() throws Exception {
        FaultJvm.Result r = runApp("out-of-range", new FaultJvm().agent("host=127.0.0.1,port=70000,instrument=false"));
        assertUnharmed("port=70000", r, Pattern.compile("bad value for port \\[70000\\].*OFF.*between 0 and 65535"), 2);
        FaultJvm.Result r2 = runApp("sample-every", new FaultJvm().agent("host=127.0.0.1,port=0,sample-every=3"));
        assertUnharmed("sample-every=3", r2, Pattern.compile("bad value for sample-every \\[3\\].*power of two"), 2);
    }

    @Test
    void garbageShorthand() throws Exception {
        FaultJvm.Result r = runApp("garbage-args", new FaultJvm().agent("::::").jvm("-Dvdso.agent.host=127.0.0.1",
                "-Dvdso.agent.port=0"));
        assertUnharmed("agent args '::::'", r, Pattern.compile("bad agent argument \\[::::\\]"), 2);
    }

    @Test
    void badSystemPropertyAndEnvironment() throws Exception {
        FaultJvm.Result r = runApp("bad-property", new FaultJvm().agent("host=127.0.0.1,port=0")
                .jvm("-Dvdso.agent.interval=forever").env("VDSO_AGENT_LOG_LEVEL", "loud"));
        assertUnharmed("-Dvdso.agent.interval=forever + VDSO_AGENT_LOG_LEVEL=loud", r,
                Pattern.compile("bad value for interval \\[forever\\]"), 3);
        assertEquals(1, count(r.agentLines(), Pattern.compile("bad value for log-level \\[loud\\]")), r.toString());
    }

    @Test
    void loadedTwice() throws Exception {
        FaultJvm.Result r = runApp("loaded-twice", new FaultJvm().agent("host=127.0.0.1,port=0").agent("port=1"));
        assertUnharmed("two -javaagent flags", r, Pattern.compile("already loaded"), 2);
        assertEquals(1, count(r.agentLines(), READY), "one agent serves: " + r);
    }

    // ---- /proc and /sys ----

    @Test
    void procAndSysMissing() throws Exception {
        Path root = Files.createDirectories(WORK.resolve("roots/missing"));
        FaultJvm.Result r = runApp("root-missing", rooted(root));
        assertUnharmed("/proc, /sys missing", r, Pattern.compile("degraded: .*vdso unknown \\(cannot read .*maps"), 2);
    }

    @Test
    void truncatedAuxv() throws Exception {
        Path root = plausibleRoot("truncated-auxv");
        byte[] auxv = auxv(0x7ffd00000000L);
        write(root, "proc/self/auxv", Arrays.copyOf(auxv, 20)); // ends mid-pair, no AT_NULL
        FaultJvm.Result r = runApp("root-truncated-auxv", rooted(root));
        assertUnharmed("truncated auxv", r, Pattern.compile("degraded: .*vdso unknown \\(auxv truncated"), 2);
    }

    @Test
    void elfWithWildOffsets() throws Exception {
        Path root = plausibleRoot("wild-elf");
        byte[] image = new byte[8192];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(18, (short) 62);                 // e_machine x86_64
        b.putLong(32, 0x7fffffffffffff00L);         // e_phoff: far outside the image
        b.putShort(54, (short) 56);                 // e_phentsize
        b.putShort(56, (short) 0xffff);             // e_phnum
        write(root, "proc/self/vdso.bin", image);
        FaultJvm.Result r = runApp("root-wild-elf", rooted(root));
        assertUnharmed("ELF with wild offsets", r,
                Pattern.compile("degraded: .*vdso unknown \\(vDSO image is not a valid ELF"), 2);
    }

    @Test
    void junkSysfs() throws Exception {
        Path root = plausibleRoot("junk-sysfs");
        write(root, "sys/devices/system/clocksource/clocksource0/current_clocksource",
                "tsc\u001b[2J\nhpet\n".getBytes(StandardCharsets.ISO_8859_1));
        write(root, "proc/sys/kernel/randomize_va_space", "seven\n".getBytes(StandardCharsets.US_ASCII));
        FaultJvm.Result r = runApp("root-junk-sysfs", rooted(root));
        assertUnharmed("junk sysfs", r, Pattern.compile("degraded: .*clocksource unknown \\(.*current_clocksource"), 2);
        for (String line : r.stderr) {
            assertFalse(line.contains("\u001b"), "an escape sequence from a file reached the log: " + line);
        }
    }

    @Test
    void emptyFiles() throws Exception {
        Path root = plausibleRoot("empty-files");
        for (String f : new String[] {"proc/self/auxv", "proc/self/maps", "proc/self/vdso.bin",
                "proc/sys/kernel/osrelease", "proc/sys/kernel/arch", "proc/sys/kernel/randomize_va_space",
                "sys/devices/system/clocksource/clocksource0/current_clocksource",
                "sys/devices/system/clocksource/clocksource0/available_clocksource"}) {
            write(root, f, new byte[0]);
        }
        FaultJvm.Result r = runApp("root-empty-files", rooted(root));
        assertUnharmed("empty files", r, Pattern.compile("degraded: .*clocksource unknown \\(.*is empty"), 2);
    }

    @Test
    void clocksourceChangesWhileThePollRuns() throws Exception {
        Path root = plausibleRoot("clocksource-change");
        FaultJvm.Running app = rooted(root, "host=127.0.0.1,port=0,clocksource-poll=100ms,instrument=false")
                .app(30_000, 3_000, 0).start(WORK.resolve("clocksource-change"));
        assertTrue(app.awaitStderr("metrics on", 30_000), "agent did not start: " + app.stderrLines());
        Path current = root.resolve("sys/devices/system/clocksource/clocksource0/current_clocksource");
        Path tmp = current.resolveSibling("current_clocksource.tmp");
        Files.write(tmp, "hpet\n".getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FaultJvm.Result r = app.waitFor(60);
        assertUnharmed("clocksource file rewritten while polled (tsc -> hpet)", r,
                Pattern.compile("clocksource changed tsc -> hpet"), 3);
    }

    // ---- native access, seccomp, OS ----

    /**
     * Where jffi would put its stub takes no file: the jnr path (JDK 8-21) moves on to the agent jar's
     * directory or /dev/shm, FFM (22+) needs no file at all. Either way seccomp decides, one line, and
     * nothing lands in the working directory (jffi's own last resort). The place-less case, which must
     * be loud, needs another user and a noexec mount: NativeAccessIT.
     */
    @Test
    void tmpdirAndJffiExtractDirUnwritable() throws Exception {
        String name = "tmpdir and jffi.extract.dir unwritable";
        File cwd = Files.createTempDirectory("fault-no-native-cwd").toFile();
        FaultJvm jvm = new FaultJvm().agent("host=127.0.0.1,port=0")
                // /proc exists (JDK 25 warns about a missing tmpdir itself) and takes no new file, even from root.
                .jvm("-Djava.io.tmpdir=/proc", "-Djffi.extract.dir=/proc")
                .directory(cwd)
                .app(30_000, 4_000, 0);
        FaultJvm.Running app = jvm.start(WORK.resolve("no-native"));
        assertTrue(app.awaitStderr("metrics on", 30_000), "agent did not start: " + app.stderrLines());
        String metrics = scrape(app.stderrLines());
        FaultJvm.Result r = app.waitFor(60);
        assertUnharmed(name, r, Pattern.compile("clock_gettime .*\\(seccomp\\)"), 1);
        assertTrue(metrics.contains("vdso_agent_degraded{reason=\"native_unavailable\"} 0"), metrics);
        assertEquals(0, cwd.list().length, "written into the working directory: " + Arrays.toString(cwd.list()));
        TABLE.put(name, TABLE.get(name) + "; the stub came from another place, nothing in the working directory");
    }

    @Test
    void seccompRefusedByAnOuterPolicy() throws Exception {
        FaultJvm jvm = new FaultJvm().agent("host=127.0.0.1,port=0")
                .launcher(SeccompDenyingLauncher.command());
        FaultJvm.Result r = runApp("seccomp-refused", jvm);
        assertUnharmed("seccomp() refused by an outer filter", r,
                Pattern.compile("degraded: .*seccomp detector failed \\(seccomp refused: errno 1\\)"), 2);
        String ready = first(r.agentLines(), READY);
        assertFalse(ready.contains("(seccomp"), "the verdict must come from a fallback detector: " + ready);
        assertTrue(Pattern.compile("\\((rusage|latency|clocksource)").matcher(ready).find(),
                "the verdict must name the fallback detector: " + ready);
    }

    @Test
    void notLinux() throws Exception {
        FaultJvm.Result r = runApp("not-linux", new FaultJvm().agent("host=127.0.0.1,port=0")
                .jvm("-Dos.name=Windows 10"));
        assertUnharmed("os.name=Windows 10", r, Pattern.compile("not Linux"), 1);
        assertEquals(0, count(r.agentLines(), READY), "a disabled agent serves nothing: " + r);
    }

    @Test
    void attachIntoAJvmUnderLoad() throws Exception {
        Path stop = WORK.resolve("attach-under-load").resolve("stop");
        Files.deleteIfExists(stop);
        FaultJvm.Running app = new FaultJvm().appUntil(0, stop, 2).start(WORK.resolve("attach-under-load"));
        assertTrue(app.awaitStderr(FaultApp.BUSY_RUNNING, 30_000), "the app's busy threads never started");
        long t0 = System.nanoTime();
        ChildJvms.Finished attach = ChildJvms.run(Arrays.asList(FaultJvm.java(), "-jar", FaultJvm.agentJar().toString(),
                "attach", Long.toString(app.pid()), "host=127.0.0.1,port=0"), java.util.Collections.<String, String>emptyMap(), 60);
        assertTrue(attach.exited, "attach did not finish");
        long attachMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, attach.exitCode, "attach failed: " + attach.output);
        assertTrue(app.awaitStderr("metrics on", 60_000), "no ready line after attach: " + app.stderrLines());
        Files.createFile(stop); // the app stays until the agent is up, however slow the attach was
        FaultJvm.Result r = app.waitFor(60);
        assertEquals(FaultApp.EXIT_CODE, r.exitCode, r.toString());
        assertEquals(Arrays.asList(FaultApp.STDOUT_LINE), r.stdout, r.toString());
        // One JVM warning comes with any dynamic attach and is documented rather than avoided: JDK 21+ warn
        // about dynamically loaded agents (JEP 451; silenced by -XX:+EnableDynamicAgentLoading). The agent
        // has no boot-path part any more, so HotSpot's CDS notice must not appear. Anything else fails.
        List<String> foreign = new ArrayList<>();
        List<String> jvmWarnings = new ArrayList<>();
        for (String line : r.foreignStderr()) {
            if (line.startsWith("WARNING: ")) {
                jvmWarnings.add(line);
            } else {
                foreign.add(line);
            }
        }
        assertEquals(new ArrayList<String>(), foreign, "only the agent (and the JVM's attach warnings) may write to stderr");
        assertEquals(1, count(r.agentLines(), READY), r.toString());
        TABLE.put("attach into a JVM under load (2 busy nanoTime threads)", "exit 42, stdout unchanged, attach "
                + attachMillis + " ms (CLI exit 0), agent: " + r.agentLines() + ", JVM warnings: " + jvmWarnings);
    }

    // ---- helpers ----

    private static FaultJvm.Result runApp(String name, FaultJvm jvm) throws Exception {
        return jvm.app(30_000, 0, 0).run(WORK.resolve(name), 90);
    }

    /** Fixture-root cases are about the sources: the instrumentation stays off to keep them fast. */
    private static FaultJvm rooted(Path root) {
        return rooted(root, "host=127.0.0.1,port=0,instrument=false");
    }

    private static FaultJvm rooted(Path root, String agentArgs) {
        return new FaultJvm().agent(agentArgs).jvm("-Dvdso.agent.test-root=" + root.toAbsolutePath());
    }

    /**
     * A fixture root that looks like a healthy tsc host (so each case breaks exactly one thing): maps
     * and auxv agree on the vDSO at 0x7ffd00000000, sysfs names tsc, sysctls are sane. The vDSO image
     * itself is absent unless a case writes one.
     */
    private static Path plausibleRoot(String name) throws IOException {
        Path root = WORK.resolve("roots").resolve(name);
        write(root, "proc/self/auxv", auxv(0x7ffd00000000L));
        write(root, "proc/self/maps", ("7ffcfffe0000-7ffd00000000 r--p 00000000 00:00 0 [vvar]\n"
                + "7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]\n").getBytes(StandardCharsets.US_ASCII));
        write(root, "proc/sys/kernel/osrelease", "6.18.0-test\n".getBytes(StandardCharsets.US_ASCII));
        write(root, "proc/sys/kernel/arch", "x86_64\n".getBytes(StandardCharsets.US_ASCII));
        write(root, "proc/sys/kernel/randomize_va_space", "2\n".getBytes(StandardCharsets.US_ASCII));
        write(root, "sys/devices/system/clocksource/clocksource0/current_clocksource",
                "tsc\n".getBytes(StandardCharsets.US_ASCII));
        write(root, "sys/devices/system/clocksource/clocksource0/available_clocksource",
                "tsc hpet acpi_pm\n".getBytes(StandardCharsets.US_ASCII));
        return root;
    }

    private static byte[] auxv(long sysinfoEhdr) {
        ByteBuffer b = ByteBuffer.allocate(4 * 16).order(ByteOrder.nativeOrder());
        b.putLong(6).putLong(4096);         // AT_PAGESZ
        b.putLong(33).putLong(sysinfoEhdr); // AT_SYSINFO_EHDR
        b.putLong(17).putLong(100);         // AT_CLKTCK
        b.putLong(0).putLong(0);            // AT_NULL
        return b.array();
    }

    private static void write(Path root, String file, byte[] bytes) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    /**
     * The contract of every case: exit code and stdout untouched, main not held up, nothing on stderr
     * but the agent's lines, exactly one of them matching {@code problem}, at most {@code maxAgentLines}.
     */
    private static void assertUnharmed(String name, FaultJvm.Result r, Pattern problem, int maxAgentLines) {
        long delay = r.mainEnteredMillis() - baselineMainMillis;
        String outcome = "exit " + r.exitCode + ", stdout " + (r.stdout.equals(Arrays.asList(FaultApp.STDOUT_LINE))
                ? "unchanged" : "CHANGED " + r.stdout) + ", main +" + delay + " ms, agent: " + r.agentLines()
                + (r.nativeAccessWarningLines() > 0 ? " + JDK native-access warning (" + r.nativeAccessWarningLines()
                        + " lines)" : "");
        TABLE.put(name, outcome);
        assertEquals(FaultApp.EXIT_CODE, r.exitCode, name + ": " + r);
        assertEquals(Arrays.asList(FaultApp.STDOUT_LINE), r.stdout, name + ": " + r);
        assertEquals(new ArrayList<String>(), r.foreignStderr(), name + ": only the agent may write to stderr");
        assertTrue(delay < MAX_MAIN_DELAY_MILLIS, name + ": main started " + delay + " ms later than without agent");
        assertEquals(1, count(r.agentLines(), problem), name + ": exactly one line must match " + problem + ": " + r);
        assertTrue(r.agentLines().size() <= maxAgentLines, name + ": too many agent lines: " + r.agentLines());
    }

    private static int count(List<String> lines, Pattern p) {
        int n = 0;
        for (String line : lines) {
            if (p.matcher(line).find()) {
                n++;
            }
        }
        return n;
    }

    private static String first(List<String> lines, Pattern p) {
        for (String line : lines) {
            if (p.matcher(line).find()) {
                return line;
            }
        }
        throw new AssertionError("no line matches " + p + ": " + lines);
    }

    private static String scrape(List<String> stderr) throws IOException {
        Matcher m = PORT.matcher(first(stderr, PORT));
        assertTrue(m.find());
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + m.group(1) + "/metrics").openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        assertEquals(200, c.getResponseCode());
        return Streams.readUtf8(c.getInputStream());
    }

}
