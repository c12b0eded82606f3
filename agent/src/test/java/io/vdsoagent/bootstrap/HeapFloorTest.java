package io.vdsoagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapFloorTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void heapsUnder32MiBAreLeftToTheApplication() {
        String why = HeapFloor.tooSmall(16 * MIB);
        assertTrue(why != null && why.startsWith("the heap's maximum is 16.0 MiB, under the 32 MiB"), why);
        assertNull(HeapFloor.tooSmall(32 * MIB));
        assertNull(HeapFloor.tooSmall(Long.MAX_VALUE), "no maximum");
    }
}
