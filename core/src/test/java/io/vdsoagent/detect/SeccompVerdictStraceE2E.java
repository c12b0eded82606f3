package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.testing.ClockLoop;
import io.vdsoagent.testing.DebianTools;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth: strace counts the clock_gettime syscalls a libc loop really makes per clock
 * (as Go's TestUsingVDSO does); the seccomp detector's verdict must agree for every clock.
 * On a tsc host that is 7 clocks vdso and the 2 CPU-time clocks syscall; on a fallback host
 * (hpet, acpi_pm) the counter clocks flip, and the test still holds.
 */
class SeccompVerdictStraceE2E {
    private static final int CALLS = 1000;

    @Test
    void seccompVerdictsMatchStraceCountsForEveryClock(@TempDir Path tmp) throws Exception {
        String strace = DebianTools.require("strace", "strace");
        Path loop = ClockLoop.compile(tmp);
        assertTrue(NativeAccessLoader.shared().known(), "native access is needed here: " + NativeAccessLoader.shared());

        List<ClockId> clocks = Arrays.asList(ClockId.values());
        List<Finding> findings = new SeccompDetector(10_000).detect(null, clocks);
        StringBuilder table = new StringBuilder();
        for (Finding f : findings) {
            long syscalls = straceCount(strace, loop, f.clock().linuxId());
            table.append(String.format("%-17s seccomp %-8s strace %5d syscalls for %d calls%n",
                    f.clock().label(), f.verdict().label(), syscalls, CALLS));
            Verdict truth = syscalls >= CALLS * 9 / 10 ? Verdict.SYSCALL
                    : syscalls <= CALLS / 10 ? Verdict.VDSO : Verdict.UNKNOWN;
            assertTrue(truth != Verdict.UNKNOWN, "strace count is neither ~0 nor ~" + CALLS + ":\n" + table);
            assertEquals(truth, f.verdict(), f + "\n" + table);
        }
        System.out.print(table);
        assertEquals(Verdict.SYSCALL, findings.get(clocks.indexOf(ClockId.THREAD_CPUTIME_ID)).verdict(),
                "the CPU-time clocks are the positive control");
    }

    private static long straceCount(String strace, Path loop, int clockId) throws Exception {
        DebianTools.Result r = DebianTools.run(null, strace, "-f", "-c", "-e", "trace=clock_gettime",
                loop.toString(), String.valueOf(clockId), String.valueOf(CALLS));
        assertEquals(0, r.exitCode, r.toString());
        // strace exits non-zero when it cannot trace (ptrace refused); a run without any traced
        // call prints no summary at all, which means 0 (the CPU-time clocks prove tracing works).
        for (String line : r.output.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 5 && "clock_gettime".equals(cols[cols.length - 1])) {
                return Long.parseLong(cols[3]);
            }
        }
        return 0;
    }
}
