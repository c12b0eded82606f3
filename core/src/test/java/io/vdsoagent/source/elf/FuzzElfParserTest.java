package io.vdsoagent.source.elf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vdsoagent.source.FuzzBounds;

/**
 * The ELF parser reads an image copied out of process memory; whatever bytes it gets, it may only
 * fail with {@link ElfParseException}, and what it returns (and allocates) is bounded by the input.
 *
 * <p>{@code mvn verify} replays the committed corpus in {@code FuzzElfParserTestInputs/parse/};
 * {@code .ci/fuzz.sh} fuzzes it (JAZZER_FUZZ=1).
 */
class FuzzElfParserTest {
    /** Smallest symbol table entry (Elf32_Sym); the parser can never return more symbols than fit. */
    private static final int MIN_SYMBOL_BYTES = 16;

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) throws Exception {
        final byte[] image = input;
        long n = image.length;
        // Linear part: headers, tables, one copy of every string. Quadratic part: up to n/16 symbols
        // may all name the same string of up to n bytes, each decoded into its own String.
        long bound = (1 << 20) + 64 * n + 4 * (n / MIN_SYMBOL_BYTES) * n;
        ElfImage parsed;
        try {
            parsed = FuzzBounds.withinAllocation(bound, "ElfParser.parse", () -> ElfParser.parse(image));
        } catch (ElfParseException expected) {
            assertNotNull(expected.getMessage(), "a parse error must say what is wrong");
            assertFalse(expected.getMessage().isEmpty());
            return;
        }
        assertTrue(parsed.symbols().size() <= n / MIN_SYMBOL_BYTES, "more symbols than fit in the image");
        assertTrue(parsed.soname().length() < n, "soname longer than the image");
        assertTrue(parsed.buildId().length() <= 2 * n, "build-id longer than the image");
        for (ElfSymbol s : parsed.symbols()) {
            assertTrue(s.name().length() < n, "symbol name longer than the image");
            assertTrue(s.version().length() < Math.max(n, 5), "version name longer than the image"); // or "Base"
        }
        assertNotNull(parsed.machineName());
    }
}
