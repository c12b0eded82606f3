package io.vdsoagent.source;

import io.vdsoagent.base.Probed;
import io.vdsoagent.source.elf.TestImages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VdsoImageReaderTest {
    private static final long BASE = 0x7f0000000000L;

    @TempDir
    Path tmp;

    private SystemRoot dump(byte[] bytes) throws Exception {
        Files.write(Files.createDirectories(tmp.resolve("proc/self")).resolve("vdso.bin"), bytes);
        return SystemRoot.at(tmp);
    }

    private static String refusal(SystemRoot root, long base, long pageSize) {
        Probed<VdsoImage> p = new VdsoImageReader(root).read(base, pageSize);
        assertFalse(p.known(), "0x" + Long.toHexString(base));
        return p.reason();
    }

    /** The synthetic builder writes the section header table last: its output's length is the ELF's extent. */
    @Test
    void theExtentComesFromTheElfsOwnHeadersRoundedToThePage() throws Exception {
        byte[] elf = TestImages.x86_64();
        byte[] mapped = Arrays.copyOf(elf, 8192);
        Arrays.fill(mapped, elf.length, mapped.length, (byte) 0x5a); // whatever follows is not the ELF's
        VdsoImage image = new VdsoImageReader(dump(mapped)).read(BASE, 4096).get();
        assertEquals(elf.length, image.elfBytes());
        assertEquals((elf.length + 4095) / 4096 * 4096, image.mappedBytes());
        assertArrayEquals(Arrays.copyOf(mapped, image.mappedBytes()), image.bytes());
        assertEquals(BASE, image.base());
        assertEquals(elf.length, new VdsoImageReader(dump(mapped)).read(BASE, 0).get().mappedBytes(),
                "page size unknown: the ELF's exact extent");
    }

    @Test
    void implausibleInputsAreRefusedBeforeAnyRead() throws Exception {
        SystemRoot root = dump(TestImages.x86_64());
        assertTrue(refusal(root, 0, 4096).contains("not a user address"));
        assertTrue(refusal(root, -4096L, 4096).contains("not a user address"));
        assertTrue(refusal(root, BASE, 3000).contains("not a plausible page size"));
    }

    @Test
    void headersClaimingMoreThanTheCapAreRefused() throws Exception {
        byte[] elf = TestImages.x86_64();
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putLong(40, VdsoImageReader.MAX_IMAGE_BYTES); // e_shoff
        assertTrue(refusal(dump(elf), BASE, 4096).contains("claim"), "e_shoff at the cap");
    }

    /** The fault matrix's wild ELF: e_phoff near 2^63 must not wrap into a small extent. */
    @Test
    void wildHeaderOffsetsAreRefusedNotWrapped() throws Exception {
        byte[] image = new byte[8192];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(18, (short) 62);
        b.putLong(32, 0x7fffffffffffff00L);
        b.putShort(54, (short) 56);
        b.putShort(56, (short) 0xffff);
        String why = refusal(dump(image), BASE, 4096);
        assertTrue(why.contains("vDSO image is not a valid ELF: program header table at offset 9223372036854775552"), why);
    }

    @Test
    void notAnElfOrAShortDumpIsUnknownWithTheReason() throws Exception {
        assertTrue(refusal(dump(new byte[8192]), BASE, 4096).contains("vDSO image is not a valid ELF"));
        byte[] cut = Arrays.copyOf(TestImages.x86_64(), 100);
        assertTrue(refusal(dump(cut), BASE, 4096).contains("cannot copy the vDSO image"), "never padded silently");
    }

    /**
     * Ground truth: the [vdso] range of maps read here with a plain RandomAccessFile. And the reason reads
     * go through /proc/self/mem: aimed at [vvar] (which SIGBUSes a raw read) the read fails cleanly.
     */
    @Test
    void liveImageIsTheVdsoRangeOfProcSelfMemAndVvarFailsCleanly() throws Exception {
        SpecialMappings maps = new MapsReader(SystemRoot.live()).read().get();
        Mapping mapping = maps.vdso().get();
        VdsoImage image = new VdsoImageReader(SystemRoot.live()).read(mapping.start(), 4096).get();
        byte[] expected = new byte[(int) mapping.size()];
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
            mem.seek(mapping.start());
            mem.readFully(expected);
        }
        assertArrayEquals(expected, image.bytes());
        for (Mapping vvar : maps.vvar()) {
            Probed<VdsoImage> p = new VdsoImageReader(SystemRoot.live()).read(vvar.start(), 4096);
            assertFalse(p.known(), vvar.toString());
            assertTrue(p.reason().contains("cannot copy") || p.reason().contains("not a valid ELF"), p.reason());
        }
    }
}
