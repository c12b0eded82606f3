package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteOrder;

/**
 * {@code /proc/self/auxv} parsing never throws for any bytes, word size or byte order: a truncated
 * or foreign file is "unknown, because ...", and the entry map stays within the format's bound.
 */
class FuzzAuxvTest {
    @FuzzTest(maxDuration = "60s")
    void parse(FuzzedDataProvider data) throws Exception {
        final ByteOrder order = data.consumeBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        final int wordSize = data.pickValue(new int[] {4, 8, 8, 8, 0, 16});
        final byte[] bytes = data.consumeRemainingAsBytes();
        long bound = (64 << 10) + 128L * bytes.length; // one boxed pair of Longs + a map node per entry
        Probed<Auxv> auxv = FuzzBounds.withinAllocation(bound, "Auxv.parse", () -> Auxv.parse(bytes, order, wordSize));
        if (!auxv.known()) {
            assertFalse(auxv.reason().isEmpty());
            assertTrue(auxv.reason().length() < 200, "reason too long for a log line: " + auxv.reason());
            return;
        }
        int pair = 2 * wordSize;
        assertTrue(auxv.get().entries().size() <= Math.min(Auxv.MAX_ENTRIES, bytes.length / pair));
        assertFalse(auxv.get().entries().containsKey(Auxv.AT_NULL), "AT_NULL ends the vector, it is no entry");
        Probed<Long> ehdr = auxv.get().sysinfoEhdr();
        if (ehdr.known()) {
            assertNotEquals(0L, (long) ehdr.get(), "a zero AT_SYSINFO_EHDR means no vDSO, never an address");
        }
    }
}
