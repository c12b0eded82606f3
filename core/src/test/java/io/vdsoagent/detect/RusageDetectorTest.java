package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.detect.RusageDetector.Measurement;
import io.vdsoagent.nativeaccess.NativeAccess;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RusageDetectorTest {
    private static final long MIN_CPU = 12_000_000;

    /**
     * What rusage promises on any host: it may say unknown (with a reason), but it never contradicts
     * the kernel's fixed answers: CPU-time clocks always make the syscall, coarse clocks never do.
     * Whether it decides depends on the host's CPU accounting (a kvm-clock VM showed 20 % system time
     * for a syscall-only clock), so a decision is not asserted here; the fallback lab asserts it.
     */
    @Test
    void neverContradictsTheKernelsFixedAnswers() {
        assumeTrue(NativeAccess.get().known(), "native access: " + NativeAccess.get());
        List<Finding> f = new RusageDetector(25, 12, 5_000, 20_000).detect(null,
                Arrays.asList(ClockId.PROCESS_CPUTIME_ID, ClockId.REALTIME_COARSE));
        assertNotEquals(Verdict.VDSO, f.get(0).verdict(), f.get(0).toString());
        assertNotEquals(Verdict.SYSCALL, f.get(1).verdict(), f.get(1).toString());
        for (Finding x : f) {
            assertTrue(x.detail().contains("controls thread_cputime"), "names its controls: " + x);
        }
    }

    @Test
    void decidesOnlyNearAControlThatSeparates() {
        Measurement sys = m(4_000_000, 20_000_000);   // 83 % system
        Measurement vdso = m(23_000_000, 1_000_000);  // 4 % system
        assertEquals(Verdict.SYSCALL, judge(m(6_000_000, 18_000_000), sys, vdso).verdict());
        assertEquals(Verdict.VDSO, judge(m(21_900_000, 3_700_000), sys, vdso).verdict());
        // A hint says how sure it is: 75 % against controls 83/4 % is close; 14 % is in the band, not close.
        assertEquals(Confidence.HIGH, judge(m(6_000_000, 18_000_000), sys, vdso).confidence());
        assertEquals(Confidence.MEDIUM, judge(m(21_900_000, 3_700_000), sys, vdso).confidence());
        Finding narrow = judge(m(23_000_000, 1_000_000), m(14_000_000, 10_000_000), vdso);
        assertEquals(Verdict.VDSO, narrow.verdict(), narrow.toString());
        assertEquals(Confidence.MEDIUM, narrow.confidence(), "controls only 38 % apart: at most medium; " + narrow);
        assertTrue(judge(m(6_000_000, 18_000_000), sys, vdso).isHint());
        Finding between = judge(m(14_000_000, 10_000_000), sys, vdso);
        assertEquals(Verdict.UNKNOWN, between.verdict());
        assertTrue(between.detail().startsWith("not conclusive: between"), between.detail());
    }

    @Test
    void aHostWhoseControlsDoNotSeparateGetsNoVerdict() {
        // Measured on a kvm-clock VM: thread_cputime (always a syscall) at 20 % system time.
        Measurement sys = m(26_000_000, 6_500_000);
        Measurement vdso = m(24_000_000, 500_000);
        Finding f = judge(m(25_000_000, 1_000_000), sys, vdso);
        assertEquals(Verdict.UNKNOWN, f.verdict());
        assertTrue(f.detail().startsWith("not conclusive on this host"), f.detail());
    }

    @Test
    void tooFewTicksOrABusyMachineGiveNoVerdict() {
        Measurement sys = m(4_000_000, 20_000_000);
        Measurement vdso = m(23_000_000, 1_000_000);
        Finding few = judge(m(4_000_000, 4_000_000), sys, vdso);
        assertEquals(Verdict.UNKNOWN, few.verdict());
        assertTrue(few.detail().startsWith("too few ticks"), few.detail());
        Finding fewControl = judge(m(6_000_000, 18_000_000), m(1_000_000, 5_000_000), vdso);
        assertTrue(fewControl.detail().startsWith("too few ticks"), fewControl.detail());
        // 24 ms CPU in 200 ms wall: the loop had 12 % of a core.
        Finding busy = RusageDetector.judge(ClockId.MONOTONIC, new Measurement(6_000_000, 18_000_000, 1000, 200_000_000),
                sys, vdso, MIN_CPU);
        assertEquals(Verdict.UNKNOWN, busy.verdict());
        assertTrue(busy.detail().startsWith("disturbed by load"), busy.detail());
    }

    /**
     * Measured in the emulated hpet guest of the fallback lab: monotonic_raw made 2,002 syscalls for
     * 2,000 calls (strace), yet its loop was booked 0 % system time. Its per-call CPU cost (6.2 us) sits
     * by the syscall control's, not the vDSO control's: the two signals disagree, so no verdict.
     */
    @Test
    void aShareThatContradictsThePerCallCostGivesNoVerdict() {
        Measurement sys = new Measurement(6_500_000, 18_500_000, 4_000, 26_000_000);       // 74 %, 6.3 us/call
        Measurement vdso = new Measurement(20_500_000, 4_500_000, 400_000, 26_000_000);    // 18 %, 63 ns/call
        Measurement raw = new Measurement(29_100_000, 0, 4_707, 30_000_000);               // 0 %, 6.2 us/call
        Finding f = RusageDetector.judge(ClockId.MONOTONIC_RAW, raw, sys, vdso, MIN_CPU);
        assertEquals(Verdict.UNKNOWN, f.verdict(), f.toString());
        assertTrue(f.detail().contains("points to the vDSO control but a call costs 6182 ns of CPU, 100 % of the way"),
                f.detail());
        // The acpi_pm guest: realtime 5 % system (a syscall per call by strace) at 985 ns per call, with
        // controls at 399 ns (coarse) and 2697 ns (thread_cputime): half way, so no verdict.
        Finding mid = RusageDetector.judge(ClockId.REALTIME, new Measurement(24_900_000, 1_300_000, 26_581, 27_000_000),
                new Measurement(14_000_000, 11_000_000, 9_270, 26_000_000),
                new Measurement(25_000_000, 0, 62_656, 26_000_000), MIN_CPU);
        assertEquals(Verdict.UNKNOWN, mid.verdict(), mid.toString());
        // The same share with a vDSO-like cost per call keeps its verdict; a syscall-like share with a
        // vDSO-like cost loses it.
        assertEquals(Verdict.VDSO, RusageDetector.judge(ClockId.MONOTONIC_RAW,
                new Measurement(25_000_000, 0, 300_000, 26_000_000), sys, vdso, MIN_CPU).verdict());
        assertEquals(Verdict.UNKNOWN, RusageDetector.judge(ClockId.REALTIME,
                new Measurement(6_000_000, 19_000_000, 400_000, 26_000_000), sys, vdso, MIN_CPU).verdict());
        assertEquals(Verdict.SYSCALL, RusageDetector.judge(ClockId.REALTIME,
                new Measurement(6_000_000, 19_000_000, 4_100, 26_000_000), sys, vdso, MIN_CPU).verdict());
    }

    private static Finding judge(Measurement clock, Measurement sys, Measurement vdso) {
        return RusageDetector.judge(ClockId.MONOTONIC, clock, sys, vdso, MIN_CPU);
    }

    /** A loop that ran at full speed on one core. */
    private static Measurement m(long userNanos, long systemNanos) {
        return new Measurement(userNanos, systemNanos, 1000, userNanos + systemNanos);
    }
}
