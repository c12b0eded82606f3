package io.vdsoagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clockapp.Lifecycle;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rewriting reaches static initialisers and constructors, and leaves what it must not touch working. */
class ClockCallRewriteTest {

    private static ClockCallInstrumentation handle;

    @BeforeAll
    static void install() throws Exception {
        handle = InstrumentedJvm.handle();
    }

    @Test
    void countsCallsInStaticInitialisersAndConstructors() {
        long before = System.currentTimeMillis();
        new Lifecycle();
        Lifecycle second = new Lifecycle();
        assertTrue(second.createdAt() >= before);
        Map<String, Long> sites = sitesOf("clockapp.Lifecycle.");
        assertEquals(Long.valueOf(1), valueStartingWith(sites, "clockapp.Lifecycle.<clinit>:"), sites.toString());
        assertEquals(Long.valueOf(2), valueStartingWith(sites, "clockapp.Lifecycle.<init>:"), sites.toString());
    }

    @Test
    void serializableMethodReferencesStillDeserialize() throws Exception {
        long before = System.nanoTime();
        long value = Lifecycle.serializableReferenceRoundTrip();
        assertTrue(value >= before && value <= System.nanoTime());
    }

    private static Map<String, Long> sitesOf(String prefix) {
        handle.stats().expire();
        Map<String, Long> found = new HashMap<String, Long>();
        for (ClockCallStats.Site s : handle.stats().top(Integer.MAX_VALUE)) {
            if (s.label.startsWith(prefix)) {
                found.put(s.label, s.calls);
            }
        }
        return found;
    }

    private static Long valueStartingWith(Map<String, Long> sites, String prefix) {
        for (Map.Entry<String, Long> e : sites.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                return e.getValue();
            }
        }
        return null;
    }
}
