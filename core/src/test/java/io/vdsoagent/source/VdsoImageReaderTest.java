package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VdsoImageReaderTest {
    @TempDir
    Path tmp;

    private static Mapping vdso(long start, long size) {
        return new Mapping(start, start + size, "r-xp", "[vdso]");
    }

    private static String refusal(SystemRoot root, long base, Mapping mapping) {
        Probed<byte[]> p = new VdsoImageReader(root).read(base, mapping);
        assertFalse(p.known(), mapping.toString());
        return p.reason();
    }

    @Test
    void refusesAnythingButTheVdsoRange() {
        SystemRoot root = SystemRoot.at(tmp);
        Mapping vvar = new Mapping(0x7f0000000000L, 0x7f0000004000L, "r--p", "[vvar]");
        assertTrue(refusal(root, vvar.start(), vvar).contains("only [vdso] is safe"));
        assertTrue(refusal(root, 0x7f0000004000L, vdso(0x7f0000006000L, 0x2000)).contains("is not the [vdso] start"));
        assertTrue(refusal(root, 0x7f0000000000L, vdso(0x7f0000000000L, VdsoImageReader.MAX_IMAGE_BYTES + 4096))
                .contains("not a plausible image"));
        assertTrue(refusal(root, -4096L, vdso(-4096L, 4096)).contains("not a plausible image"));
        Mapping noRead = new Mapping(0x7f0000000000L, 0x7f0000002000L, "--xp", "[vdso]");
        assertTrue(refusal(root, noRead.start(), noRead).contains("not readable"));
    }

    @Test
    void fixtureRootReadsTheDumpedImage() throws Exception {
        Path self = Files.createDirectories(tmp.resolve("proc/self"));
        byte[] dump = new byte[8192];
        Arrays.fill(dump, (byte) 0x5a);
        Files.write(self.resolve("vdso.bin"), dump);
        assertArrayEquals(dump, new VdsoImageReader(SystemRoot.at(tmp)).read(0x7f0000000000L,
                vdso(0x7f0000000000L, 8192)).get());
        assertTrue(refusal(SystemRoot.at(tmp), 0x7f0000000000L, vdso(0x7f0000000000L, 3 * 4096))
                .contains("EOFException"), "a dump shorter than the mapping is not silently padded");
    }

    /** Ground truth: the same range read here with a plain RandomAccessFile, and its ELF magic. */
    @Test
    void liveImageIsTheVdsoRangeOfProcSelfMem() throws Exception {
        SpecialMappings maps = new MapsReader(SystemRoot.live()).read().get();
        Mapping mapping = maps.vdso().get();
        byte[] image = new VdsoImageReader(SystemRoot.live()).read(mapping.start(), mapping).get();
        assertEquals(mapping.size(), image.length);
        byte[] expected = new byte[(int) mapping.size()];
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
            mem.seek(mapping.start());
            mem.readFully(expected);
        }
        assertArrayEquals(expected, image);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(image, 4));
    }
}
