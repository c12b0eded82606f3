package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MapsReaderTest {
    @TempDir
    Path tmp;

    @Test
    void findsVdsoBothVvarsAndVsyscall() {
        SpecialMappings m = new MapsReader(Fixtures.host("tsc")).read().get();
        assertEquals(new Mapping(0x7ffd4e5fc000L, 0x7ffd4e5fe000L, "r-xp", "[vdso]"), m.vdso().get());
        assertEquals(2, m.vvar().size(), "[vvar] and the 6.13+ [vvar_vclock]");
        assertEquals("[vvar_vclock]", m.vvar().get(1).name());
        assertEquals(0xffffffffff600000L, m.vsyscallOrNull().start(), "unsigned address above 2^63");
        assertEquals("--xp", m.vsyscallOrNull().perms());
        assertEquals(4096, m.vsyscallOrNull().size());
    }

    /** gVisor (maps copied from a runsc sandbox) names [vvar] but leaves the vDSO unnamed. */
    @Test
    void theMappingAtAnAddressIsKeptNamedOrNot() {
        SpecialMappings m = new MapsReader(Fixtures.host("gvisor")).read(0x7f017b093000L).get();
        assertFalse(m.vdso().known());
        assertEquals(new Mapping(0x7f017b093000L, 0x7f017b095000L, "r-xp", ""), m.atAddressOrNull());
        assertNull(new MapsReader(Fixtures.host("gvisor")).read(0x7f017b093001L).get().atAddressOrNull(),
                "only a mapping that starts there");
        assertNull(new MapsReader(Fixtures.host("gvisor")).read().get().atAddressOrNull());
        assertEquals(0xffffffffff600000L,
                new MapsReader(Fixtures.host("gvisor")).read(0xffffffffff600000L).get().atAddressOrNull().start());
    }

    @Test
    void junkLinesAreSkipped() {
        SpecialMappings m = new MapsReader(Fixtures.host("xen")).read().get();
        assertEquals(0x7ffd4e5fc000L, m.vdso().get().start(), "the first well-formed [vdso] line wins");
        assertEquals(0x2000, m.vdso().get().size());
        assertNull(m.vsyscallOrNull());
    }

    @Test
    void emptyMapsHasNoVdso() {
        SpecialMappings m = new MapsReader(Fixtures.host("empty")).read().get();
        assertFalse(m.vdso().known());
        assertTrue(m.vdso().reason().contains("no [vdso]"));
    }

    @Test
    void binaryGarbageAndAnUnterminatedLastLine() {
        SpecialMappings m = new MapsReader(Fixtures.host("junk")).read().get();
        assertFalse(m.vdso().known(), "the last line has no name");
        assertEquals("rw-p", m.vsyscallOrNull().perms());
    }

    @Test
    void lastLineWithoutNewlineCounts() throws Exception {
        SpecialMappings m = MapsReader.scan(new ByteArrayInputStream(
                "7f00-8f00 r-xp 00000000 00:00 0 [vdso]".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0x7f00, m.vdso().get().start());
    }

    @Test
    void missingFileIsUnknown() {
        assertFalse(new MapsReader(SystemRoot.at(tmp)).read().known());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "7ffd4e5fc000-7ffd4e5fe000 r-xp 00000000 00:00 0 [vdso]| true",
        "7ffd4e5fc000-7ffd4e5fe000 r-xp 00000000 00:00 0 /usr/lib/my lib.so| true",
        "7ffd4e5fe000-7ffd4e5fc000 r-xp 00000000 00:00 0 [vdso]| false",
        "7ffd4e5fc000 r-xp 00000000 00:00 0 [vdso]| false",
        "-7ffd4e5fc000 r-xp 00000000 00:00 0 [vdso]| false",
        "7ffd4e5fc000-7ffd4e5fe000 r-xpx 00000000 00:00 0 [vdso]| false",
        "1ffffffffffffffff-2ffffffffffffffff r-xp 00000000 00:00 0 [vdso]| false",
        "garbage| false",
    })
    void parsesOnlyWellFormedLines(String line, boolean valid) {
        assertEquals(valid, Mapping.parse(line) != null, line);
    }

    @Test
    void fileNamesWithSpacesAreKept() {
        assertEquals("/usr/lib/my lib.so",
                Mapping.parse("7ffd4e5fc000-7ffd4e5fe000 r-xp 00000000 00:00 0    /usr/lib/my lib.so").name());
    }

    /** Ground truth: the live maps file, split here by hand. */
    @Test
    void liveMatchesAHandSplitOfProcSelfMaps() throws Exception {
        String vdsoLine = null;
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
            if (line.endsWith("[vdso]")) {
                vdsoLine = line;
            }
        }
        assertTrue(vdsoLine != null, "this host maps a vDSO");
        String[] range = vdsoLine.split(" ")[0].split("-");
        Mapping vdso = new MapsReader(SystemRoot.live()).read().get().vdso().get();
        assertEquals(Long.parseLong(range[0], 16), vdso.start());
        assertEquals(Long.parseLong(range[1], 16), vdso.end());
        assertEquals(vdsoLine.split(" ")[1], vdso.perms());
    }
}
