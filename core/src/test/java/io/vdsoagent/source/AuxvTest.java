package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuxvTest {
    @TempDir
    Path tmp;

    private static byte[] vector(ByteOrder order, long... words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 8).order(order);
        for (long w : words) {
            b.putLong(w);
        }
        return b.array();
    }

    @Test
    void parsesPairsUpToAtNull() {
        byte[] data = vector(ByteOrder.LITTLE_ENDIAN, 33, 0x7fff12340000L, 6, 4096, 16, 0x178bfbffL, 0, 0, 33, 1);
        Auxv auxv = Auxv.parse(data, ByteOrder.LITTLE_ENDIAN, 8).get();
        assertEquals(0x7fff12340000L, (long) auxv.sysinfoEhdr().get());
        assertEquals(4096L, (long) auxv.pageSize().get());
        assertEquals(0x178bfbffL, (long) auxv.hwcap().get());
        assertEquals(3, auxv.entries().size(), "entries after AT_NULL are ignored");
    }

    @Test
    void bigEndianAnd32BitWords() {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
        b.putInt(33).putInt(0xf7fc1000).putInt(6).putInt(4096).putInt(0).putInt(0);
        Auxv auxv = Auxv.parse(b.array(), ByteOrder.BIG_ENDIAN, 4).get();
        assertEquals(0xf7fc1000L, (long) auxv.sysinfoEhdr().get(), "32-bit words are unsigned");
    }

    @Test
    void truncatedOrEmptyVectorIsUnknownWithReason() {
        byte[] full = vector(ByteOrder.LITTLE_ENDIAN, 33, 0x7fff12340000L, 6, 4096, 0, 0);
        for (int len = 0; len < full.length; len++) {
            Probed<Auxv> p = Auxv.parse(Arrays.copyOf(full, len), ByteOrder.LITTLE_ENDIAN, 8);
            assertFalse(p.known(), "prefix of " + len + " bytes");
            assertTrue(p.reason().contains("truncated"), p.reason());
        }
    }

    @Test
    void absurdlyLongVectorIsUnknown() {
        long[] words = new long[2 * (Auxv.MAX_ENTRIES + 1) + 2];
        for (int i = 0; i < words.length - 2; i += 2) {
            words[i] = 1000 + i; // distinct non-null types
        }
        Probed<Auxv> p = Auxv.parse(vector(ByteOrder.LITTLE_ENDIAN, words), ByteOrder.LITTLE_ENDIAN, 8);
        assertFalse(p.known());
        assertTrue(p.reason().contains("more than"), p.reason());
    }

    @Test
    void missingSysinfoEhdrIsUnknown() {
        Auxv auxv = Auxv.parse(vector(ByteOrder.LITTLE_ENDIAN, 6, 4096, 0, 0), ByteOrder.LITTLE_ENDIAN, 8).get();
        assertFalse(auxv.sysinfoEhdr().known());
        assertTrue(auxv.sysinfoEhdr().reason().contains("AT_SYSINFO_EHDR"));
    }

    @Test
    void readerOnFixtureFiles() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc/self"));
        SystemRoot root = SystemRoot.at(tmp);
        assertFalse(new AuxvReader(root).read().known(), "missing file");
        Files.write(proc.resolve("auxv"), new byte[0]);
        assertTrue(new AuxvReader(root).read().reason().contains("truncated"), "empty file");
        Files.write(proc.resolve("auxv"), new byte[AuxvReader.CAP + 1]);
        assertTrue(new AuxvReader(root).read().reason().contains("larger than"), "oversized file");
        Files.write(proc.resolve("auxv"), vector(ByteOrder.nativeOrder(), 33, 0x7f0000001000L, 0, 0));
        assertEquals(0x7f0000001000L, (long) new AuxvReader(root).read().get().sysinfoEhdr().get());
    }

    @Test
    void committedCorruptAuxvFixturesAreUnknown() throws Exception {
        for (String name : new String[] {"truncated-mid-pair", "no-at-null", "empty"}) {
            Path root = Paths.get(getClass().getResource("/auxv/" + name + "/proc/self/auxv").toURI())
                    .getParent().getParent().getParent();
            Probed<Auxv> p = new AuxvReader(SystemRoot.at(root)).read();
            assertFalse(p.known(), name);
            assertTrue(p.reason().contains("truncated"), name + ": " + p.reason());
        }
    }

    /** Ground truth: /proc/self/auxv decoded here with a plain loop, and libc's getauxval. */
    @Test
    void liveAuxvAgreesWithGetauxvalAndRawFile() throws Exception {
        byte[] raw = Files.readAllBytes(Paths.get("/proc/self/auxv"));
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        long expected = 0;
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == 33) {
                expected = value;
            }
        }
        assertTrue(expected != 0, "this kernel passes AT_SYSINFO_EHDR");
        assertEquals(expected, (long) new AuxvReader(SystemRoot.live()).read().get().sysinfoEhdr().get());
        Probed<Long> libc = NativeAuxv.getauxval(Auxv.AT_SYSINFO_EHDR);
        assertTrue(libc.known(), "jnr getauxval works on this host: " + libc);
        assertEquals(expected, (long) libc.get());
        assertEquals(4096L, (long) NativeAuxv.getauxval(Auxv.AT_PAGESZ).get());
        assertFalse(NativeAuxv.getauxval(999_999).known(), "absent entry: getauxval returns 0");
    }
}
