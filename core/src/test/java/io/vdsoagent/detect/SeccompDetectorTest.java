package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelRuntime;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VsyscallMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompDetectorTest {

    @Test
    void cpuTimeClocksReachTheKernelOnAnyHost() {
        assumeTrue(NativeAccessLoader.shared().known(), "native access: " + NativeAccessLoader.shared());
        List<Finding> f = new SeccompDetector(10_000).detect(null,
                Arrays.asList(ClockId.PROCESS_CPUTIME_ID, ClockId.THREAD_CPUTIME_ID, ClockId.MONOTONIC_COARSE));
        // The CPU-time clocks are the positive control: Linux never serves them from the vDSO.
        assertEquals(Verdict.SYSCALL, f.get(0).verdict(), f.get(0).toString());
        assertEquals(Verdict.SYSCALL, f.get(1).verdict(), f.get(1).toString());
        // Coarse clocks never read the counter: the vDSO answers them on every clocksource.
        assertEquals(Verdict.VDSO, f.get(2).verdict(), f.get(2).toString());
    }

    /** gVisor's TSYNC never collides with a filtered thread, so there the proof needs no process of its own. */
    @Test
    void theSandboxRunnerRunsOnlyWhereTheHostFactsNameGvisor() {
        SeccompRunner elsewhere = ids -> SeccompResult.failed("elsewhere");
        SeccompRunner gvisor = ids -> SeccompResult.failed("gvisor");
        SeccompDetector d = new SeccompDetector(elsewhere, gvisor);
        List<ClockId> one = Arrays.asList(ClockId.MONOTONIC);
        assertTrue(d.detect(host(Probed.of(KernelRuntime.GVISOR)), one).get(0).toString().contains("gvisor"));
        assertTrue(d.detect(host(Probed.of(KernelRuntime.LINUX)), one).get(0).toString().contains("elsewhere"));
        assertTrue(d.detect(host(Probed.<KernelRuntime>unknown("no fact")), one).get(0).toString()
                .contains("elsewhere"), "an unknown runtime keeps the process");
        assertTrue(d.detect(null, one).get(0).toString().contains("elsewhere"));
    }

    private static HostFacts host(Probed<KernelRuntime> runtime) {
        Probed<String> no = Probed.unknown("not read");
        return new HostFacts(Probed.of("6.1"), Probed.of("x86_64"), Probed.<VdsoFacts>unknown("not read"),
                Probed.<ClocksourceFacts>unknown("not read"), Probed.<VsyscallMode>unknown("not read"),
                Probed.<Integer>unknown("not read"), no, runtime);
    }

    @Test
    void noOtherThreadCarriesTheFilterAfterTheProbe() throws IOException, InterruptedException {
        assumeTrue(NativeAccessLoader.shared().known(), "native access: " + NativeAccessLoader.shared());
        List<Finding> f = new SeccompDetector(10_000).detect(null, Arrays.asList(ClockId.values()));
        assertTrue(f.get(0).verdict() != Verdict.UNKNOWN, "the probe must have installed its filter: " + f);
        // Thread.join returns when the Java thread is done; the OS thread may need a moment more to exit.
        List<String> filtered = filteredThreads();
        for (int i = 0; i < 100 && !filtered.isEmpty(); i++) {
            Thread.sleep(50);
            filtered = filteredThreads();
        }
        assertEquals(new ArrayList<String>(), filtered);
    }

    /**
     * Threads whose seccomp mode or no_new_privs differ from this (never probed) test thread's:
     * comparing with a baseline keeps the test right inside a container that filters every thread.
     */
    private static List<String> filteredThreads() throws IOException {
        List<String> baseline = seccompLines(new String(Files.readAllBytes(Paths.get("/proc/thread-self/status")),
                StandardCharsets.UTF_8));
        List<String> filtered = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path task : tasks) {
                String status;
                try {
                    status = new String(Files.readAllBytes(task.resolve("status")), StandardCharsets.UTF_8);
                } catch (NoSuchFileException gone) {
                    continue; // a thread that ended meanwhile
                }
                if (status.contains("Name:\t" + SeccompDetector.THREAD_NAME.substring(0, 15))) {
                    filtered.add("probe thread still alive: " + task);
                }
                List<String> lines = seccompLines(status);
                if (!lines.equals(baseline)) {
                    filtered.add(task + " " + lines + " differs from " + baseline);
                }
            }
        }
        return filtered;
    }

    private static List<String> seccompLines(String status) {
        List<String> out = new ArrayList<>();
        for (String line : status.split("\n")) {
            if (line.startsWith("Seccomp:") || line.startsWith("NoNewPrivs:")) {
                out.add(line.trim());
            }
        }
        assertEquals(2, out.size(), "status must show Seccomp and NoNewPrivs: " + status);
        return out;
    }

    @Test
    void unexpectedResultsAreProbeErrorsNotVerdicts() {
        Finding f = SeccompDetector.interpret(ClockId.MONOTONIC, -1, 22);
        assertEquals(Verdict.UNKNOWN, f.verdict());
        assertTrue(f.error());
        assertEquals(Verdict.SYSCALL, SeccompDetector.interpret(ClockId.MONOTONIC, -1, SeccompDetector.ERRNO_MARKER).verdict());
        assertEquals(Verdict.VDSO, SeccompDetector.interpret(ClockId.MONOTONIC, 0, 0).verdict());
    }
}
