package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.nativeaccess.NativeAccessLoader;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RusageDetectorTest {

    @Test
    void cpuTimeClockLoopsSpendTheirTimeInTheKernelAndCoarseOnesDoNot() {
        assumeTrue(NativeAccessLoader.shared().known(), "native access: " + NativeAccessLoader.shared());
        // A CPU budget with a generous wall cap: even a heavily loaded machine accumulates 10 ticks (HZ=250).
        List<Finding> f = new RusageDetector(40, 20, 5_000, 20_000).detect(null,
                Arrays.asList(ClockId.THREAD_CPUTIME_ID, ClockId.MONOTONIC_COARSE));
        // Kernel facts on any Linux: CPU-time clocks always syscall, coarse clocks never.
        assertEquals(Verdict.SYSCALL, f.get(0).verdict(), f.get(0).toString());
        assertEquals(Verdict.VDSO, f.get(1).verdict(), f.get(1).toString());
    }

    @Test
    void judgesTheSystemShareAndRefusesTooFewTicks() {
        assertEquals(Verdict.SYSCALL, RusageDetector.judge(ClockId.MONOTONIC, 4_000_000, 16_000_000, 1000, 12_000_000).verdict());
        assertEquals(Verdict.VDSO, RusageDetector.judge(ClockId.MONOTONIC, 19_000_000, 1_000_000, 1000, 12_000_000).verdict());
        // One stray tick of six (seen here on vDSO clocks) must not read as a fallback.
        assertEquals(Verdict.VDSO, RusageDetector.judge(ClockId.MONOTONIC, 21_900_000, 3_700_000, 1000, 12_000_000).verdict());
        assertEquals(Verdict.UNKNOWN, RusageDetector.judge(ClockId.MONOTONIC, 16_000_000, 8_000_000, 1000, 12_000_000).verdict());
        Finding few = RusageDetector.judge(ClockId.MONOTONIC, 4_000_000, 4_000_000, 1000, 12_000_000);
        assertEquals(Verdict.UNKNOWN, few.verdict());
        assertTrue(few.detail().startsWith("too few ticks"), few.detail());
    }
}
