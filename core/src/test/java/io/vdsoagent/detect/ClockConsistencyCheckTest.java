package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bracket rule on the readings the ppc64 jiffies guest and libfaketime produce (numbers from those
 * runs), and live on this host through each native implementation: a healthy kernel's fast path is
 * always inside its own syscalls' bracket.
 */
class ClockConsistencyCheckTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aValueInsideTheBracketIsConsistent() {
        ClockConsistency c = ClockConsistencyCheck.judge(ClockId.MONOTONIC, new long[] {1000, 2000, 3000},
                new long[] {1400, 2600}, 1, 0, "libc");
        assertEquals(Probed.of(true).toString(), c.consistent().toString());
        assertEquals(-100e-9, c.offsetSeconds(), 1e-12); // 1400 - 1500: the worst round decides
    }

    @Test
    void aFrozenMonotonicClockSevenSecondsBehindIsWrongByThatMuch() {
        long now = 100 * S;
        long frozen = now - 7 * S;
        ClockConsistency c = ClockConsistencyCheck.judge(ClockId.MONOTONIC, new long[] {now, now + 900, now + 1800},
                new long[] {frozen, frozen}, 1, 0, "libc");
        assertTrue(c.wrong(), c.detail());
        assertEquals(-7.0, c.offsetSeconds(), 1e-5);
        assertTrue(c.detail().contains("OUTSIDE"), c.detail());
    }

    @Test
    void oneBadRoundMakesAMonotonicClockWrongButNotRealtime() {
        long[] kernel = {10 * S, 10 * S + 1000, 10 * S + 2000};
        long[] fast = {10 * S + 500, 10 * S + 1000 + 5 * S};
        assertTrue(ClockConsistencyCheck.judge(ClockId.BOOTTIME, kernel, fast, 1, 0, "libc").wrong());
        // Realtime may be stepped inside one round: the other round decides.
        ClockConsistency real = ClockConsistencyCheck.judge(ClockId.REALTIME, kernel, fast, 1, 0, "libc");
        assertFalse(real.wrong(), real.detail());
    }

    @Test
    void realtimeAheadInEveryRoundIsWrong() {
        long t = 1_796_000_000L * S;
        long ahead = 216 * S;
        ClockConsistency c = ClockConsistencyCheck.judge(ClockId.REALTIME, new long[] {t, t + 1000, t + 2000},
                new long[] {t + 500 + ahead, t + 1500 + ahead}, 1, 0, "libc");
        assertTrue(c.wrong());
        assertEquals(216.0, c.offsetSeconds(), 1e-6);
    }

    @Test
    void allowancesAreTheResolutionAndForRealtimeOneMillisecond() {
        long[] kernel = {50 * S, 50 * S + 1000, 50 * S + 2000};
        // A coarse clock one tick (4 ms resolution) short of the bracket: allowed; one tick and a bit: not.
        assertFalse(ClockConsistencyCheck.judge(ClockId.MONOTONIC_COARSE, kernel,
                new long[] {50 * S - 4_000_000, 50 * S + 1500}, 4_000_000, 0, "libc").wrong());
        assertTrue(ClockConsistencyCheck.judge(ClockId.MONOTONIC_COARSE, kernel,
                new long[] {50 * S - 4_000_001, 50 * S + 1500}, 4_000_000, 0, "libc").wrong());
        assertFalse(ClockConsistencyCheck.judge(ClockId.TAI, kernel,
                new long[] {50 * S + 2000 + 1_000_001, 50 * S + 2000 + 1_000_001}, 1, 0, "libc").wrong());
        assertTrue(ClockConsistencyCheck.judge(ClockId.TAI, kernel,
                new long[] {50 * S + 2000 + 1_000_002, 50 * S + 2000 + 1_000_002}, 1, 0, "libc").wrong());
        // currentTimeMillis truncates to the millisecond below the kernel's value.
        assertFalse(ClockConsistencyCheck.judge(ClockId.REALTIME, new long[] {50 * S + 999_000, 50 * S + 999_500,
                50 * S + 1_000_000}, new long[] {50 * S, 50 * S}, 1, 1_000_000, "currentTimeMillis").wrong());
    }

    @Test
    void taiOffByTheEpochStillComputesWithoutOverflow() {
        long tai = 1_796_633_859L * S;
        ClockConsistency c = ClockConsistencyCheck.judge(ClockId.TAI, new long[] {tai, tai + 100, tai + 200},
                new long[] {tai - 1_796_000_000L * S, tai - 1_796_000_000L * S}, 1, 0, "libc");
        assertTrue(c.wrong());
        assertEquals(-1.796e9, c.offsetSeconds(), 1);
    }

    static Stream<String> implementations() {
        return Runtime.version().feature() >= 22 ? Stream.of("ffm", "jnr") : Stream.of("jnr");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void thisHostsClocksAgreeWithItsKernel(String implementation) {
        Probed<NativeAccess> na = NativeAccessLoader.load(implementation, null, null);
        assertTrue(na.known(), na.toString());
        ClockConsistencyCheck check = new ClockConsistencyCheck(na.get());
        List<ClockConsistency> clocks = check.check();
        assertEquals(ClockConsistencyCheck.CLOCKS.size(), clocks.size());
        for (ClockConsistency c : clocks) {
            assertEquals("true", c.consistent().toString(), c.detail());
            // Healthy: well under the 1 ms allowance (the bracket is a few syscalls wide).
            assertTrue(Math.abs(c.offsetSeconds()) < 1e-3 + c.resolutionSeconds(), c.detail());
        }
        List<JvmClockConsistency> jvm = new JvmClockConsistencyCheck(check).check("");
        assertEquals(2, jvm.size());
        for (JvmClockConsistency j : jvm) {
            assertEquals("true", j.consistent().toString(), j.method() + ": " + j.detail());
        }
        assertTrue(jvm.get(0).detail().contains("spin:"), jvm.get(0).detail());
        System.out.println("[consistency " + implementation + "] " + clocks.get(1).detail() + " | " + jvm.get(0).detail());
    }
}
