package io.vdsoagent.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void nothingIsDueAtTheStart() {
        Pacer pacer = new Pacer(1000);
        assertEquals(0, pacer.takeDue(0));
        assertEquals(MS, pacer.nanosUntilNext(0));
    }

    @Test
    void readsFallDueAtTheRate() {
        Pacer pacer = new Pacer(1000);
        assertEquals(1, pacer.takeDue(MS));
        assertEquals(0, pacer.takeDue(MS + MS / 2), "half a period later nothing new is due");
        assertEquals(MS / 2, pacer.nanosUntilNext(MS + MS / 2));
        assertEquals(1, pacer.takeDue(2 * MS));
    }

    @Test
    void aLateWakeUpCatchesUpInsteadOfLoweringTheRate() {
        Pacer pacer = new Pacer(1000);
        assertEquals(1, pacer.takeDue(MS));
        assertEquals(249, pacer.takeDue(250 * MS));
        assertEquals(0, pacer.nanosUntilNext(999 * MS), "overdue reads are due now");
    }

    @Test
    void totalOverASecondEqualsTheRateWhateverTheWakeUpPattern() {
        Pacer pacer = new Pacer(777);
        long total = 0;
        for (long t = 0; t <= 1000 * MS; t += 3 * MS + 17) {
            total += pacer.takeDue(t);
        }
        total += pacer.takeDue(1000 * MS);
        assertEquals(777, total);
    }

    @Test
    void slowRatesBelowOnePerSecondWork() {
        Pacer pacer = new Pacer(0.5);
        assertEquals(0, pacer.takeDue(1999 * MS));
        assertEquals(1, pacer.takeDue(2000 * MS));
        assertEquals(2000 * MS, pacer.nanosUntilNext(2000 * MS));
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(Double.NaN));
    }
}
