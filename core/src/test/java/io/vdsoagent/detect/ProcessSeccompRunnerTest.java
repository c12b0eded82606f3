package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof in a process of its own answers exactly what the same proof on a thread of this JVM
 * answers (the thread runner's verdicts are checked against strace in SeccompVerdictStraceE2E), and a
 * process that cannot start or answer is a counted failure, never a verdict.
 */
class ProcessSeccompRunnerTest {
    private static final List<ClockId> ALL = Arrays.asList(ClockId.values());

    @Test
    void aProcessOfItsOwnProvesWhatAThreadProves() {
        List<Finding> inProcess = new SeccompDetector(10_000).detect(null, ALL);
        List<Finding> child = new SeccompDetector(ProcessSeccompRunner.classPath(60_000)).detect(null, ALL);
        for (int i = 0; i < ALL.size(); i++) {
            assertEquals(inProcess.get(i).verdict(), child.get(i).verdict(), ALL.get(i) + ": " + child.get(i));
            assertTrue(child.get(i).verdict() != Verdict.UNKNOWN, child.get(i).toString());
        }
        // The CPU-time clocks always make the syscall: the positive control of every host.
        assertEquals(Verdict.SYSCALL, child.get(ALL.indexOf(ClockId.PROCESS_CPUTIME_ID)).verdict());
    }

    @Test
    void aProcessThatCannotStartIsAFailureNotAVerdict() {
        List<String> command = new ArrayList<>();
        command.add("/nonexistent/bin/java");
        List<Finding> f = new SeccompDetector(new ProcessSeccompRunner(command, 5_000))
                .detect(null, Arrays.asList(ClockId.MONOTONIC));
        assertEquals(Verdict.UNKNOWN, f.get(0).verdict());
        assertTrue(f.get(0).error(), f.get(0).toString());
        assertTrue(f.get(0).toString().contains("cannot start the proof process"), f.get(0).toString());
    }

    @Test
    void aProcessThatAnswersNothingIsAFailure() {
        List<String> command = ProcessSeccompRunner.javaCommand();
        command.add("-version");
        List<Finding> f = new SeccompDetector(new ProcessSeccompRunner(command, 60_000))
                .detect(null, Arrays.asList(ClockId.MONOTONIC));
        assertTrue(f.get(0).error(), f.get(0).toString());
        assertTrue(f.get(0).toString().contains("no answer"), f.get(0).toString());
    }

    @Test
    void theAnswerLineCarriesNumbersOnly() {
        SeccompResult r = SeccompResult.of(new int[] {0, -1}, new int[] {0, SeccompDetector.ERRNO_MARKER});
        assertEquals("vdso-agent-seccomp-proof ok 0 0 -1 3333", r.line());
        SeccompResult back = SeccompResult.parse(r.line(), 2);
        assertEquals(-1, back.rc(1));
        assertEquals(SeccompDetector.ERRNO_MARKER, back.errno(1));
        assertNull(SeccompResult.parse(r.line(), 3), "an answer for another number of clocks is no answer");
        assertNull(SeccompResult.parse("WARNING: something", 2));
        assertEquals("seccomp refused: errno 1", SeccompResult.parse(SeccompResult.seccompRefused(1).line(), 2).failure());
        assertTrue(SeccompResult.parse(SeccompResult.seccompRefused(1).line(), 2).error());
        assertTrue(!SeccompResult.parse(SeccompResult.unavailable("no jnr").line(), 2).error());
    }

    /** A container near its memory limit: the proof process (46-52 MiB) must not push it over. */
    @Test
    void noProofProcessWithoutRoomUnderTheMemoryLimit(@TempDir Path root) throws Exception {
        write(root, "proc/self/cgroup", "0::/\n");
        write(root, "sys/fs/cgroup/memory.max", "268435456\n");
        write(root, "sys/fs/cgroup/memory.current", String.valueOf(256L * 1024 * 1024 - 40L * 1024 * 1024) + "\n");
        String why = ProcessSeccompRunner.memoryShortfall(root);
        assertEquals("no room for the proof process under the memory limit (40 MiB of 256 MiB free, it needs 64 MiB)", why);
        List<String> never = new ArrayList<>();
        never.add("/nonexistent/bin/java");
        List<Finding> f = new SeccompDetector(new ProcessSeccompRunner(never, 5_000, root))
                .detect(null, Arrays.asList(ClockId.MONOTONIC));
        assertTrue(f.get(0).error() && f.get(0).toString().contains("no room for the proof process"), f.get(0).toString());

        write(root, "sys/fs/cgroup/memory.current", String.valueOf(100L * 1024 * 1024) + "\n");
        assertNull(ProcessSeccompRunner.memoryShortfall(root), "156 MiB free is room");
        write(root, "sys/fs/cgroup/memory.max", "max\n");
        assertNull(ProcessSeccompRunner.memoryShortfall(root), "no limit");
    }

    @Test
    void cgroupV1LimitsAreReadToo(@TempDir Path root) throws Exception {
        write(root, "proc/self/cgroup", "4:memory:/pod/app\n0::/\n");
        write(root, "sys/fs/cgroup/memory/pod/app/memory.limit_in_bytes", String.valueOf(100L << 20));
        write(root, "sys/fs/cgroup/memory/pod/app/memory.usage_in_bytes", String.valueOf(90L << 20));
        assertTrue(ProcessSeccompRunner.memoryShortfall(root).contains("10 MiB of 100 MiB free"));
        write(root, "sys/fs/cgroup/memory/pod/app/memory.limit_in_bytes", "9223372036854771712");
        assertNull(ProcessSeccompRunner.memoryShortfall(root), "cgroup v1's 'no limit'");
    }

    /** The proof process's CPU joins the probe's figure: cutime + cstime, after a comm that holds ") (". */
    @Test
    void theChildrensCpuIsReadAfterTheCommandName(@TempDir Path root) throws Exception {
        write(root, "proc/self/stat", "4242 (java) (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 25 31 7 20 0 20 0\n");
        assertEquals(38, ProcessSeccompRunner.childrenCpuTicks(root));
        assertEquals(-1, ProcessSeccompRunner.childrenCpuTicks(root.resolve("nowhere")));
    }

    @Test
    void aProofProcessCountsInTheProbesCpu() {
        long before = ProbeThreads.cpuNanos();
        List<Finding> f = new SeccompDetector(ProcessSeccompRunner.classPath(60_000))
                .detect(null, Arrays.asList(ClockId.MONOTONIC));
        assertTrue(f.get(0).verdict() != Verdict.UNKNOWN, f.get(0).toString());
        // The reaped child's cutime + cstime (a JVM start is never free: at least one tick).
        assertTrue(ProbeThreads.cpuNanos() - before > 0, "child CPU recorded: " + (ProbeThreads.cpuNanos() - before));
    }

    private static void write(Path root, String file, String content) throws Exception {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.write(p, content.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** An agent injected through JAVA_TOOL_OPTIONS (the Helm chart's way) would start a proof process of its own. */
    @Test
    void theChildInheritsNoAgentOptionsOrPreload() {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_TOOL_OPTIONS", "-javaagent:/opt/vdso-agent.jar");
        env.put("JDK_JAVA_OPTIONS", "-javaagent:/opt/other.jar");
        env.put("_JAVA_OPTIONS", "-Xmx1g");
        env.put("LD_PRELOAD", "/usr/lib/faketime/libfaketime.so.1");
        env.put("CLASSPATH", "/app/lib/*");
        env.put("LD_LIBRARY_PATH", "/opt/jdk/lib");
        env.put("TZ", "UTC");
        ProcessSeccompRunner.scrub(env);
        Map<String, String> kept = new HashMap<>();
        kept.put("LD_LIBRARY_PATH", "/opt/jdk/lib");
        kept.put("TZ", "UTC");
        assertEquals(kept, env);
    }
}
