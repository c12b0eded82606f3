package io.vdsoagent.examples.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockCallSitesTest {

    @Test
    void eachIndexReadsItsOwnClock() {
        long millisBefore = System.currentTimeMillis();
        long wallMillis = ClockCallSites.read(1);
        assertTrue(wallMillis >= millisBefore && wallMillis <= System.currentTimeMillis(),
                "site 1 reads currentTimeMillis");

        long nanosBefore = System.nanoTime();
        long monotonic = ClockCallSites.read(0);
        long viaReference = ClockCallSites.read(3);
        assertTrue(nanosBefore <= monotonic && monotonic <= viaReference && viaReference <= System.nanoTime(),
                "sites 0 and 3 read nanoTime");

        long nanoOfSecond = ClockCallSites.read(2);
        assertTrue(nanoOfSecond >= 0 && nanoOfSecond < 1_000_000_000L, "site 2 reads Instant.now");
    }
}
