package io.vdsoagent.agent;

import static io.vdsoagent.testing.DebianTools.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import agentit.SleepyApp;
import io.vdsoagent.testing.DebianTools;
import io.vdsoagent.testing.DebianTools.Result;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent jar inside gVisor ({@code runsc --network=none do}, Debian package runsc, as root), checked
 * against what gVisor itself shows:
 * <ul>
 * <li>the vDSO symbols equal {@code objdump -T} of the image the agent dumped through AT_SYSINFO_EHDR (gVisor's
 *     maps names no {@code [vdso]});</li>
 * <li>each clock's verdict equals the {@code clock_gettime} syscalls {@code runsc --strace} logs for a C loop
 *     (compiled here with gcc) after the sandbox's clock calibration: 0 calls = vdso, every call = syscall,
 *     every call refused with EINVAL = unsupported;</li>
 * <li>as {@code -javaagent}: exactly one stderr line, and the endpoint answers from inside the sandbox.</li>
 * </ul>
 * {@code --force-overlay=false} lets the sandbox write its outputs into this test's temporary directory.
 */
class GvisorSandboxE2E {
    /** Calls per clock in the ground-truth loop. */
    private static final int CALLS = 200;
    private static final String[] CLOCKS = {"realtime", "monotonic", "process_cputime", "thread_cputime",
        "monotonic_raw", "realtime_coarse", "monotonic_coarse", "boottime", "tai"};
    private static final int[] CLOCK_IDS = {0, 1, 2, 3, 4, 5, 6, 7, 11};

    @TempDir
    static Path tmp;
    private static String runsc;
    private static String reportJson;
    private static Path dump;
    /** Per clock, what runsc --strace counted (computed once). */
    private static Map<String, String> truth;

    @BeforeAll
    static void reportInsideTheSandbox() throws Exception {
        runsc = require("runsc", "runsc");
        require("objdump", "binutils");
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("runsc do needs root (CI runs as root): run the e2e suite as root");
        }
        dump = tmp.resolve("vdso.so");
        Result r = sandbox(Collections.<String>emptyList(), AgentJvm.java(), "-jar",
                AgentJvm.agentJar().getAbsolutePath(), "report", "--json", "--dump-vdso", dump.toString());
        assertEquals(0, r.exitCode, r.output);
        int start = r.output.indexOf("{\"headline\"");
        assertTrue(start >= 0, r.output);
        reportJson = r.output.substring(start, r.output.lastIndexOf('}') + 1);
    }

    /** {@code runsc [global flags] --network=none do --force-overlay=false CMD}, output piped (never a file). */
    private static Result sandbox(List<String> globalFlags, String... command) throws Exception {
        List<String> argv = new ArrayList<>(Collections.singletonList(runsc));
        argv.addAll(globalFlags);
        argv.addAll(Arrays.asList("--network=none", "do", "--force-overlay=false"));
        argv.addAll(Arrays.asList(command));
        return run(argv);
    }

    @Test
    void theSymbolsAreObjdumpsOfTheImageFoundThroughAuxv() throws Exception {
        List<String> objdump = ObjdumpSymbols.of(dump);
        assertTrue(objdump.contains("__vdso_clock_gettime@LINUX_2.6"), objdump.toString());
        assertEquals(objdump, ObjdumpSymbols.reported(reportJson), reportJson);
        String maps = sandbox(Collections.<String>emptyList(), "cat", "/proc/self/maps").output;
        String expected = maps.contains("[vdso]") ? "agrees" : "unnamed";
        assertTrue(reportJson.contains("\"maps\":{\"check\":\"" + expected + "\""), expected + " in " + reportJson);
    }

    @Test
    void theKernelIsNamedFromWhatTheSandboxSays() throws Exception {
        String release = sandbox(Collections.<String>emptyList(), "uname", "-r").output.trim();
        String machine = sandbox(Collections.<String>emptyList(), "uname", "-m").output.trim();
        String version = sandbox(Collections.<String>emptyList(), "uname", "-v").output.trim();
        assertTrue(reportJson.contains("\"kernel\":{"), reportJson);
        assertTrue(reportJson.contains("\"release\":\"" + release + "\""), release + " in " + reportJson);
        assertTrue(reportJson.contains("\"arch\":\"" + machine + "\""), machine + " in " + reportJson);
        assertTrue(reportJson.contains("\"version\":\"" + version + "\""), version + " in " + reportJson);
        assertTrue(reportJson.contains("\"runtime\":\"gvisor\""), reportJson);
    }

    /** The agent's verdict per clock against runsc's own syscall log of a C loop, after the calibration window. */
    @Test
    void eachVerdictIsWhatRunscStraceCounts() throws Exception {
        Map<String, String> truth = straceVerdicts();
        Map<String, String> agent = verdicts(reportJson);
        assertEquals(truth, agent, "runsc --strace vs the agent's report:\n" + reportJson);
        System.out.println("gVisor matrix (clock: agent verdict / runsc strace): " + agent + " / " + truth);
    }

    private static Map<String, String> verdicts(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\{\"clock\":\"(\\w+)\",\"verdict\":\"(\\w+)\"").matcher(json);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /**
     * Why the agent proves on a thread inside gVisor (no proof process): there an application's
     * {@code seccomp(SECCOMP_FILTER_FLAG_TSYNC)} succeeds while another thread holds a filter of its own
     * (on Linux it fails with that thread's id), and it replaces that thread's filters. A C program checks both
     * in the sandbox; the agent's thread ends its proof with a control call for the second.
     */
    @Test
    void anApplicationsTsyncCannotCollideWithAFilteredThreadThere() throws Exception {
        require("gcc", "gcc");
        Path src = tmp.resolve("tsync.c");
        Files.write(src, String.join("\n",
                "#define _GNU_SOURCE",
                "#include <stdio.h>",
                "#include <stddef.h>",
                "#include <pthread.h>",
                "#include <unistd.h>",
                "#include <errno.h>",
                "#include <sys/prctl.h>",
                "#include <sys/syscall.h>",
                "#include <linux/seccomp.h>",
                "#include <linux/filter.h>",
                "static struct sock_filter mark[] = {",
                "  BPF_STMT(BPF_LD|BPF_W|BPF_ABS, offsetof(struct seccomp_data, nr)),",
                "  BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, SYS_getppid, 0, 1),",
                "  BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ERRNO | 3333),",
                "  BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW) };",
                "static struct sock_fprog markp = { 4, mark };",
                "static struct sock_filter allow[] = { BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW) };",
                "static struct sock_fprog allowp = { 1, allow };",
                "static volatile int installed, own, synced;",
                "static void *filtered(void *a) {",
                "  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);",
                "  own = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &markp) == 0;",
                "  installed = 1;",
                "  if (!own) { printf(\"thread-filter refused\\n\"); return 0; }",
                "  while (!synced) usleep(1000);",
                "  long r = syscall(SYS_getppid);",
                "  printf(\"thread-filter %s\\n\", r == -1 && errno == 3333 ? \"kept\" : \"replaced\");",
                "  return 0;",
                "}",
                "int main(void) {",
                "  pthread_t t; pthread_create(&t, 0, filtered, 0);",
                "  while (!installed) usleep(1000);",
                "  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);",
                "  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &allowp);",
                "  printf(\"tsync %s\\n\", r == 0 ? \"ok\" : \"collided\"); fflush(stdout);",
                "  synced = 1; pthread_join(t, 0);",
                "  return 0;",
                "}", "").getBytes(StandardCharsets.US_ASCII));
        Path prog = tmp.resolve("tsync");
        Result cc = run("gcc", "-O2", "-pthread", "-o", prog.toString(), src.toString());
        assertEquals(0, cc.exitCode, cc.output);
        Result host = run(prog.toString());
        if (!host.output.contains("thread-filter refused")) { // a host policy may forbid seccomp to this test
            assertTrue(host.output.contains("tsync collided"), "Linux refuses the TSYNC: " + host.output);
        }
        Result inside = sandbox(Collections.<String>emptyList(), prog.toString());
        assertEquals(0, inside.exitCode, inside.output);
        assertTrue(inside.output.contains("tsync ok"), "gVisor's TSYNC does not collide: " + inside.output);
        assertTrue(inside.output.contains("thread-filter replaced"), "and replaces the thread's filter: " + inside.output);
    }

    /**
     * A C loop waits for sandbox uptime 2 s (gVisor's vDSO answers through the syscall for about its first
     * second), then makes {@link #CALLS} calls per clock between marker writes; the strace log says per clock
     * how many entered the sentry and whether they were refused.
     */
    private static Map<String, String> straceVerdicts() throws Exception {
        if (truth == null) {
            truth = countStrace();
        }
        return truth;
    }

    private static Map<String, String> countStrace() throws Exception {
        require("gcc", "gcc");
        Path src = tmp.resolve("truth.c");
        StringBuilder ids = new StringBuilder();
        for (int id : CLOCK_IDS) {
            ids.append(ids.length() == 0 ? "" : ",").append(id);
        }
        Files.write(src, String.join("\n",
                "#include <stdio.h>",
                "#include <time.h>",
                "#include <unistd.h>",
                "int main(void) {",
                "  for (;;) {",
                "    FILE *f = fopen(\"/proc/uptime\", \"r\"); double up = 0;",
                "    if (f) { if (fscanf(f, \"%lf\", &up) != 1) up = 0; fclose(f); }",
                "    if (up >= 2.0) break;",
                "    usleep(50000);",
                "  }",
                "  int ids[] = {" + ids + "}; char m[32]; struct timespec ts;",
                "  for (unsigned k = 0; k < sizeof ids / sizeof ids[0]; k++) {",
                "    int n = snprintf(m, sizeof m, \"MARK %d\\n\", ids[k]);",
                "    if (write(1, m, n) != n) return 2;",
                "    for (int i = 0; i < " + CALLS + "; i++) clock_gettime(ids[k], &ts);",
                "  }",
                "  return write(1, \"MARK end\\n\", 9) == 9 ? 0 : 2;",
                "}", "").getBytes(StandardCharsets.US_ASCII));
        Path prog = tmp.resolve("truth");
        Result cc = run("gcc", "-O2", "-o", prog.toString(), src.toString());
        assertEquals(0, cc.exitCode, cc.output);
        Path logs = Files.createDirectories(tmp.resolve("strace"));
        Result run = sandbox(Arrays.asList("--strace", "--strace-syscalls=clock_gettime,write",
                "--debug-log=" + logs + "/"), prog.toString());
        assertEquals(0, run.exitCode, run.output);
        File[] boot = logs.toFile().listFiles((d, name) -> name.contains("boot"));
        assertTrue(boot != null && boot.length == 1, "one boot log in " + logs);

        Map<Integer, int[]> counts = new LinkedHashMap<>(); // id -> {entered, refused with EINVAL}
        Pattern mark = Pattern.compile(" E write\\(0x1 [^,]*, 0x[0-9a-f]+ \"MARK (\\w+)\\\\n\"");
        Integer current = null;
        for (String line : Files.readAllLines(boot[0].toPath(), StandardCharsets.ISO_8859_1)) {
            Matcher m = mark.matcher(line);
            if (m.find()) {
                current = m.group(1).equals("end") ? null : Integer.valueOf(m.group(1));
                if (current != null) {
                    counts.put(current, new int[2]);
                }
            } else if (current != null && line.contains(" E clock_gettime(")) {
                counts.get(current)[0]++;
            } else if (current != null && line.contains(" X clock_gettime(") && line.contains("errno=22")) {
                counts.get(current)[1]++;
            }
        }
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (int i = 0; i < CLOCK_IDS.length; i++) {
            int[] c = counts.get(CLOCK_IDS[i]);
            assertTrue(c != null, "no marker for clock " + CLOCK_IDS[i] + " in " + boot[0]);
            String v = c[1] == CALLS ? "unsupported" : c[0] == 0 ? "vdso" : c[0] == CALLS ? "syscall"
                    : "mixed (" + c[0] + " of " + CALLS + " entered)";
            verdicts.put(CLOCKS[i], v);
        }
        return verdicts;
    }

    /** As -javaagent inside the sandbox: one stderr line naming the runtime; /metrics and /report answer there. */
    @Test
    void asAnAgentItLogsOneLineAndItsEndpointAnswersFromInside() throws Exception {
        String busybox = require("busybox", "busybox-static");
        Path out = Files.createDirectories(tmp.resolve("agent"));
        String script = String.join("\n",
                "cd " + out,
                AgentJvm.java() + " -javaagent:" + AgentJvm.agentJar().getAbsolutePath() + "=port=9419,host=127.0.0.1"
                        + " -cp " + AgentJvm.testClasses() + " " + SleepyApp.class.getName() + " 30000 0 >stdout 2>stderr &",
                // /report answers 503 until the first verdict; the log line follows it.
                "i=0; while [ $i -lt 300 ]; do " + busybox + " wget -q -O report http://127.0.0.1:9419/report 2>/dev/null"
                        + " && break; sleep 0.2; i=$((i+1)); done",
                "i=0; while [ $i -lt 50 ] && ! grep -q . stderr; do sleep 0.2; i=$((i+1)); done",
                "sleep 2", // room for a second line, were there one
                busybox + " wget -q -O metrics http://127.0.0.1:9419/metrics",
                "kill $! ; wait", "");
        Result r = sandbox(Collections.<String>emptyList(), "/bin/sh", "-c", script);
        String stderr = read(out.resolve("stderr"));
        String metrics = read(out.resolve("metrics"));
        String report = read(out.resolve("report"));
        List<String> lines = new ArrayList<>(Arrays.asList(stderr.split("\n")));
        lines.removeAll(Collections.singleton(""));
        assertEquals(1, lines.size(), "one stderr line:\n" + stderr + "\n" + r.output);
        assertTrue(lines.get(0).startsWith("vdso-agent: ") && lines.get(0).contains(", runtime gvisor, "), lines.get(0));
        assertEquals(SleepyApp.LINE, read(out.resolve("stdout")).trim(), "nothing of ours on the app's stdout");
        assertTrue(Pattern.compile("(?m)^vdso_kernel_info\\{arch=\"[^\"]+\",boot_id=\"[^\"]+\",kernel_release=\"[^\"]+\","
                + "runtime=\"gvisor\"} 1").matcher(metrics).find(), metrics);
        assertTrue(metrics.contains("vdso_clock_fallback{clock=\"monotonic\",detector=\"seccomp\"} 0"), metrics);
        assertFalse(metrics.contains("clock=\"tai\",detector"), "an unsupported clock has no fallback series");
        assertTrue(report.contains("\"runtime\":\"gvisor\""), report);
        // The agent's own verdicts (its proof on a thread there) against runsc's syscall log too.
        assertEquals(straceVerdicts(), verdicts(report), "runsc --strace vs the agent's /report:\n" + report);
    }

    /** Output piped (runsc writes at offset 0 of a file it is given), stdin at its end. */
    private static Result run(String... command) throws Exception {
        return DebianTools.run(new File("/dev/null"), command);
    }

    private static Result run(List<String> command) throws Exception {
        return DebianTools.run(new File("/dev/null"), command);
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }
}
