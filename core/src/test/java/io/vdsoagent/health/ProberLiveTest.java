package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.publish.TextReport;
import org.junit.jupiter.api.Test;

class ProberLiveTest {

    @Test
    void liveProbeDecidesTheCpuTimeClocksBySeccomp() {
        assumeTrue(NativeAccessLoader.shared().known(), "native access: " + NativeAccessLoader.shared());
        ClockHealth h = Prober.builder().build().probe();
        for (ClockId c : new ClockId[] {ClockId.PROCESS_CPUTIME_ID, ClockId.THREAD_CPUTIME_ID}) {
            ClockStatus s = h.clock(c);
            assertNotNull(s, TextReport.render(h, false));
            // Linux never serves CPU-time clocks from the vDSO: the positive control on any host.
            assertEquals(Verdict.SYSCALL, s.verdict(), TextReport.render(h, false));
            assertEquals("seccomp", s.detector());
        }
    }
}
