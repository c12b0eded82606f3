package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.source.SystemRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maps shaped like a real JVM's (libfaketime preloaded, or not), addresses chosen inside given lines:
 * the resolver must name the file of the line that holds the global lookup's address.
 */
class ClockSymbolResolverTest {
    private static final String FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
    private static final String LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    private static final String MAPS = String.join("\n",
            "55d0c0000000-55d0c0001000 r--p 00000000 08:01 1234 /usr/lib/jvm/java-17-openjdk-amd64/bin/java",
            "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ",
            "7f1000000000-7f1000028000 r--p 00000000 08:01 2001 " + LIBC,
            "7f1000028000-7f10001bd000 r-xp 00028000 08:01 2001 " + LIBC,
            "7f2000000000-7f2000004000 r--p 00000000 08:01 3001 " + FAKETIME,
            "7f2000004000-7f200000c000 r-xp 00004000 08:01 3001 " + FAKETIME,
            "7ffd0000a000-7ffd0000e000 r--p 00000000 00:00 0 [vvar]",
            "7ffd0000e000-7ffd00010000 r-xp 00000000 00:00 0 [vdso]",
            "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]", "");

    @Test
    void aPreloadedClockFunctionIsNamedByItsFile(@TempDir Path root) throws Exception {
        fixture(root, MAPS, null);
        Table t = new Table();
        t.global("clock_gettime", 0x7f2000005010L).own("clock_gettime", 0x7f10000c1230L);
        t.global("gettimeofday", 0x7f2000005200L).own("gettimeofday", 0x7f10000c2000L);
        t.global("time", 0x7f10000c3000L).own("time", 0x7f10000c3000L); // not wrapped: libc's own
        ClockSymbols s = new ClockSymbolResolver(t, SystemRoot.at(root), FAKETIME).resolve();
        assertTrue(s.interposed().get(), s.detail());
        assertEquals(FAKETIME, s.library());
        assertEquals(FAKETIME, s.resolvedTo().get("clock_gettime"));
        assertEquals(LIBC, s.resolvedTo().get("time"));
        assertEquals(FAKETIME, s.ldPreload());
        assertTrue(s.detail().contains("clock_gettime -> " + FAKETIME + ", not libc's own (" + LIBC + ")"), s.detail());
    }

    @Test
    void libcsOwnDefinitionIsNotAnInterposer(@TempDir Path root) throws Exception {
        fixture(root, MAPS, null);
        Table t = new Table();
        for (String sym : ClockSymbolResolver.SYMBOLS) {
            t.global(sym, 0x7f10000c1000L + sym.length()).own(sym, 0x7f10000c1000L + sym.length());
        }
        ClockSymbols s = new ClockSymbolResolver(t, SystemRoot.at(root), null).resolve();
        assertFalse(s.interposed().get(), s.detail());
        assertEquals("", s.library());
        assertTrue(s.detail().contains("LD_PRELOAD unset, /etc/ld.so.preload absent or empty"), s.detail());
    }

    @Test
    void withoutLibcsHandleTheFileNameDecides(@TempDir Path root) throws Exception {
        fixture(root, MAPS, "# system-wide\n" + FAKETIME + "\n");
        Table t = new Table();
        t.global("clock_gettime", 0x7f10000c1230L).global("gettimeofday", 0x7ffd0000e800L).global("time", 0x7f2000004100L);
        ClockSymbols s = new ClockSymbolResolver(t, SystemRoot.at(root), null).resolve();
        assertTrue(s.interposed().get(), s.detail());
        assertEquals(FAKETIME, s.library());
        assertEquals("[vdso]", s.resolvedTo().get("gettimeofday"));
        assertEquals(FAKETIME, s.ldSoPreload().get());
    }

    @Test
    void anUnreadableMapsOrAFailingLookupIsUnknownNotAVerdict(@TempDir Path root) throws Exception {
        Table t = new Table();
        t.global("clock_gettime", 0x7f10000c1230L);
        ClockSymbols noMaps = new ClockSymbolResolver(t, SystemRoot.at(root), null).resolve();
        assertFalse(noMaps.interposed().known());
        assertTrue(noMaps.interposed().reason().contains("maps"), noMaps.interposed().reason());

        fixture(root, MAPS, null);
        ClockSymbols throwing = new ClockSymbolResolver(new ClockSymbolResolver.Lookup() {
            @Override
            public long global(String symbol) {
                throw new UnsatisfiedLinkError("no dlsym");
            }

            @Override
            public long libcOwn(String symbol) {
                return 0;
            }
        }, SystemRoot.at(root), null).resolve();
        assertFalse(throwing.interposed().known());
        assertTrue(throwing.detail().contains("no dlsym"), throwing.detail());

        ClockSymbols nothing = new ClockSymbolResolver(new Table(), SystemRoot.at(root), null).resolve();
        assertFalse(nothing.interposed().known(), nothing.detail());
    }

    @Test
    void libcIsRecognisedByItsGlibcAndMuslNames() {
        assertTrue(ClockSymbolResolver.looksLikeLibc("/lib/x86_64-linux-gnu/libc.so.6"));
        assertTrue(ClockSymbolResolver.looksLikeLibc("/lib64/libc-2.17.so"));
        assertTrue(ClockSymbolResolver.looksLikeLibc("/lib/ld-musl-x86_64.so.1"));
        assertFalse(ClockSymbolResolver.looksLikeLibc(FAKETIME));
        assertFalse(ClockSymbolResolver.looksLikeLibc("/opt/app/libcustomclock.so"));
    }

    @Test
    void theLiveJvmResolvesItsClockFunctionsWithProof() {
        // This test JVM runs without a preload in CI; with one, the answer must name it.
        ClockSymbols s = ClockSymbolResolver.resolveLive();
        org.junit.jupiter.api.Assumptions.assumeTrue(s.interposed().known(), "native access: " + s.detail());
        String preload = System.getenv("LD_PRELOAD");
        assertEquals(preload != null && !preload.isEmpty() || !s.ldSoPreload().orElse("").isEmpty(),
                s.interposed().get(), s.detail());
        assertTrue(s.resolvedTo().containsKey("clock_gettime"), s.detail());
    }

    private static void fixture(Path root, String maps, String ldSoPreload) throws Exception {
        Files.createDirectories(root.resolve("proc/self"));
        Files.write(root.resolve("proc/self/maps"), maps.getBytes(StandardCharsets.US_ASCII));
        if (ldSoPreload != null) {
            Files.createDirectories(root.resolve("etc"));
            Files.write(root.resolve("etc/ld.so.preload"), ldSoPreload.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static final class Table implements ClockSymbolResolver.Lookup {
        final Map<String, Long> global = new HashMap<>();
        final Map<String, Long> own = new HashMap<>();

        Table global(String s, long a) {
            global.put(s, a);
            return this;
        }

        Table own(String s, long a) {
            own.put(s, a);
            return this;
        }

        @Override
        public long global(String symbol) {
            return global.getOrDefault(symbol, 0L);
        }

        @Override
        public long libcOwn(String symbol) {
            return own.getOrDefault(symbol, 0L);
        }
    }
}
