package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code /proc/self/maps} scanning never throws for any bytes, and every mapping it returns is a
 * well-formed range: only such a range may ever bound a native read of the vDSO.
 */
class FuzzMapsReaderTest {
    @FuzzTest(maxDuration = "60s")
    void scan(byte[] input) throws Exception {
        final byte[] bytes = input;
        // Linear in bytes and lines. Per byte: the line buffer and its copies. Per line ending in ']':
        // line.toString(), a regex split and, for junk, a NumberFormatException with its stack trace;
        // the fuzzer measured ~1.9 KB for such a line (crash input kept as many-short-bracketed-junk-lines).
        long lines = 1;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        long bound = (256 << 10) + 64L * bytes.length + 4096L * lines;
        SpecialMappings found = FuzzBounds.withinAllocation(bound, "MapsReader.scan",
                () -> MapsReader.scan(new ByteArrayInputStream(bytes)));
        if (found.vdso().known()) {
            Mapping vdso = found.vdso().get();
            assertEquals("[vdso]", vdso.name());
            assertWellFormed(vdso);
        }
        for (Mapping m : found.vvar()) {
            assertTrue(m.name().startsWith("[vvar"), m.toString());
            assertWellFormed(m);
        }
        if (found.vsyscallOrNull() != null) {
            assertWellFormed(found.vsyscallOrNull());
        }
        // Mapping.parse alone, on the whole input as one line: null or well-formed, never an exception.
        Mapping whole = Mapping.parse(new String(bytes, StandardCharsets.ISO_8859_1));
        if (whole != null) {
            assertWellFormed(whole);
        }
    }

    private static void assertWellFormed(Mapping m) {
        assertTrue(Long.compareUnsigned(m.end(), m.start()) > 0, "empty or inverted range " + m);
        assertEquals(4, m.perms().length(), m.toString());
    }
}
