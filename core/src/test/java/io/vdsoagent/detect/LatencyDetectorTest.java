package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyDetectorTest {

    @ParameterizedTest
    @CsvSource({
            // libc ns, syscall ns, verdict: figures measured on tsc (vDSO 0.01-0.11, CPU-time 0.93-1.05)
            "22,   190, VDSO",
            "2,    160, VDSO",
            "480,  490, SYSCALL",
            // a slow paravirtual clock and a cheap syscall converge: not conclusive
            "120,  190, UNKNOWN",
            "10,     0, UNKNOWN",
    })
    void ratioBands(double libc, double syscall, Verdict expected) {
        assertEquals(expected, LatencyDetector.judge(ClockId.MONOTONIC, libc, syscall, 10).verdict());
    }

    @ParameterizedTest
    @CsvSource({
            // libc, syscall, core share, verdict, confidence
            "22,   190, 1.0,  VDSO,    HIGH",    // ratio 0.12: deep in the vDSO band
            "70,   190, 1.0,  VDSO,    MEDIUM",  // 0.37: inside the band, not by much
            "480,  490, 1.0,  SYSCALL, HIGH",    // 0.98
            "160,  190, 1.0,  SYSCALL, MEDIUM",  // 0.84
            "120,  190, 1.0,  UNKNOWN, NONE",    // 0.63: between the bands
            // the same clear ratios measured while the thread got a third of a core: not trusted
            "22,   190, 0.33, UNKNOWN, NONE",
            "480,  490, 0.33, UNKNOWN, NONE",
            // a raw syscall no dearer than half the FFI call cannot anchor a ratio
            "1,      3, 1.0,  UNKNOWN, NONE",
    })
    void aHintStatesItsConfidenceAndGivesUpUnderLoad(double libc, double syscall, double coreShare, Verdict verdict,
                                                     Confidence confidence) {
        Finding f = LatencyDetector.judge(ClockId.MONOTONIC, libc, syscall, 10, coreShare);
        assertEquals(verdict, f.verdict(), f.toString());
        assertEquals(confidence, f.confidence(), f.toString());
        org.junit.jupiter.api.Assertions.assertTrue(f.isHint(), "latency is never proof: " + f);
        if (verdict == Verdict.UNKNOWN) {
            org.junit.jupiter.api.Assertions.assertTrue(f.detail().startsWith("inconclusive: "), f.detail());
            org.junit.jupiter.api.Assertions.assertEquals("inconclusive", f.qualifier());
        } else {
            org.junit.jupiter.api.Assertions.assertTrue(f.qualifier().startsWith("hint, "), f.qualifier());
        }
    }

    @Test
    void reportsBothPerCallCosts() {
        Finding f = LatencyDetector.judge(ClockId.REALTIME, 22, 190, 10);
        assertEquals(22, f.vdsoNanos());
        assertEquals(190, f.syscallNanos());
    }
}
