package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.MemoryUsage;
import org.junit.jupiter.api.Test;

class HeadroomTest {
    private static final long MIB = 1024 * 1024;

    private static MemoryUsage usage(long usedMiB, long maxMiB) {
        return new MemoryUsage(-1, usedMiB * MIB, usedMiB * MIB, maxMiB < 0 ? -1 : maxMiB * MIB);
    }

    @Test
    void unboundedPoolsAlwaysHaveRoom() {
        assertNull(Headroom.shortfall(Headroom.Step.INSTRUMENTATION, usage(500, -1), usage(4000, -1)));
    }

    @Test
    void aStepRunsWhenItsNeedAndAQuarterOfTheMaximumFit() {
        // 64 MiB metaspace, 10 used: 54 left >= 6.5 + 16.
        assertNull(Headroom.shortfall(Headroom.Step.INSTRUMENTATION, usage(10, 64), usage(10, 256)));
    }

    @Test
    void issue16sTightJvmsAreRefused() {
        // -XX:MaxMetaspaceSize=10m with 3.2 MiB used before the probe: 6.8 left < 5 + 2.5.
        String metaspace = Headroom.shortfall(Headroom.Step.FIRST_PROBE, usage(3, 10), usage(1, 1024));
        assertNotNull(metaspace);
        assertTrue(metaspace.startsWith("skipped the probe: metaspace has 7.0 MiB left of 10.0 MiB"), metaspace);
        // -Xmx16m with 11 MiB live: 5 left < 2 + 4.
        String heap = Headroom.shortfall(Headroom.Step.ENDPOINT, usage(2, -1), usage(11, 16));
        assertNotNull(heap);
        assertTrue(heap.contains("heap has 5.0 MiB left of 16.0 MiB"), heap);
    }

    @Test
    void theLiveJvmIsReadable() {
        assertNotNull(Headroom.metaspace(), "HotSpot names the pool Metaspace");
        MemoryUsage heap = Headroom.heap();
        assertTrue(heap.getUsed() > 0 && heap.getUsed() <= Runtime.getRuntime().totalMemory(), heap.toString());
        assertTrue(heap.getMax() == Runtime.getRuntime().maxMemory() || heap.getMax() < 0, heap.toString());
    }
}
