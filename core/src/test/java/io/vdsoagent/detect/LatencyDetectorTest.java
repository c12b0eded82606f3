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

    @Test
    void reportsBothPerCallCosts() {
        Finding f = LatencyDetector.judge(ClockId.REALTIME, 22, 190, 10);
        assertEquals(22, f.vdsoNanos());
        assertEquals(190, f.syscallNanos());
    }
}
