package io.vdsoagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ClockCallSitesTest {

    @Test
    void sameSiteGetsTheSameIdWhenAClassIsTransformedAgain() {
        ClockCallSites sites = new ClockCallSites();
        int first = sites.idFor(ClockMethod.NANO_TIME, "com.acme.Foo.run:12");
        assertEquals(first, sites.idFor(ClockMethod.NANO_TIME, "com.acme.Foo.run:12"));
        assertNotEquals(first, sites.idFor(ClockMethod.CURRENT_TIME_MILLIS, "com.acme.Foo.run:12"));
        assertEquals("com.acme.Foo.run:12", sites.label(first));
        assertEquals(ClockMethod.NANO_TIME, sites.method(first));
        assertEquals(2, sites.size());
    }

    @Test
    void beyondCapacityNewSitesShareTheirMethodsOverflowSite() {
        ClockCallSites sites = new ClockCallSites(3);
        for (int i = 0; i < 3; i++) {
            sites.idFor(ClockMethod.NANO_TIME, "A.m:" + i);
        }
        int overflow = sites.idFor(ClockMethod.INSTANT_NOW, "B.m:1");
        assertEquals(ClockCallSites.overflowId(ClockMethod.INSTANT_NOW), overflow);
        assertEquals(ClockCallSites.OVERFLOW_LABEL, sites.label(overflow));
        assertEquals(ClockMethod.INSTANT_NOW, sites.method(overflow));
        assertEquals(3, sites.size());
    }
}
