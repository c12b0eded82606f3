package io.vdsoagent.source.elf;

import static io.vdsoagent.source.elf.ElfParser.DT_GNU_HASH;
import static io.vdsoagent.source.elf.ElfParser.DT_HASH;
import static io.vdsoagent.source.elf.ElfParser.DT_SONAME;
import static io.vdsoagent.source.elf.ElfParser.DT_STRSZ;
import static io.vdsoagent.source.elf.ElfParser.DT_STRTAB;
import static io.vdsoagent.source.elf.ElfParser.DT_SYMENT;
import static io.vdsoagent.source.elf.ElfParser.DT_SYMTAB;
import static io.vdsoagent.source.elf.ElfParser.DT_VERDEF;
import static io.vdsoagent.source.elf.ElfParser.DT_VERDEFNUM;
import static io.vdsoagent.source.elf.ElfParser.DT_VERSYM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Malformed images must end in {@link ElfParseException} or a valid result: never any other
 * exception, never a huge allocation. Inputs: the live vDSO and synthetic images, truncated at
 * every length, with random byte flips (fixed seed), and with single fields aimed outside the image.
 */
class ElfParserCorruptionTest {

    private static byte[] live;

    @BeforeAll
    static void liveImage() throws ElfParseException {
        live = LiveVdso.image();
        assertTrue(ElfParser.parse(live).symbols().size() > 0, "the uncorrupted image parses");
    }

    /** Parses; returns null on ElfParseException; lets anything else fail the test. */
    private static ElfImage parseOrReject(byte[] image) {
        try {
            return ElfParser.parse(image);
        } catch (ElfParseException e) {
            assertNotNull(e.getMessage());
            return null;
        }
    }

    private static void assertRejected(byte[] image) {
        Executable parse = () -> ElfParser.parse(image);
        assertThrows(ElfParseException.class, parse);
    }

    @Test
    void everyPrefixOfEveryImage() {
        byte[][] images = {live, TestImages.x86_64(), TestImages.aarch64(ByteOrder.BIG_ENDIAN),
            new ElfImageBuilder().elf32().hash(ElfImageBuilder.Hash.SYSV).function("f", "V").build()};
        for (byte[] image : images) {
            int rejected = 0;
            for (int len = 0; len < image.length; len++) {
                if (parseOrReject(Arrays.copyOf(image, len)) == null) {
                    rejected++;
                }
            }
            assertTrue(rejected >= 64, "short prefixes are rejected (" + rejected + " of " + image.length + ")");
        }
    }

    @Test
    void randomByteFlipsWithFixedSeed() {
        Random random = new Random(20261122L);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] image = live.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                // Half the flips hit the first 0x600 bytes, where the headers and tables live.
                int at = random.nextInt(random.nextBoolean() ? Math.min(0x600, image.length) : image.length);
                image[at] ^= (byte) (1 + random.nextInt(255));
            }
            if (parseOrReject(image) == null) {
                rejected++;
            } else {
                parsed++;
            }
        }
        System.out.println("byte flips: " + parsed + " still parsed, " + rejected + " rejected");
        assertEquals(4000, parsed + rejected);
        assertTrue(rejected > 0, "some flips must break the image");
    }

    @Test
    void randomByteFlipsInBigEndianAnd32BitImages() {
        Random random = new Random(42L);
        byte[][] images = {TestImages.aarch64(ByteOrder.BIG_ENDIAN),
            new ElfImageBuilder().elf32().hash(ElfImageBuilder.Hash.GNU).function("f", "V").function("g", "W").build()};
        int rejected = 0;
        for (byte[] original : images) {
            for (int i = 0; i < 1000; i++) {
                byte[] image = original.clone();
                image[random.nextInt(image.length)] ^= (byte) (1 + random.nextInt(255));
                if (parseOrReject(image) == null) {
                    rejected++;
                }
            }
        }
        assertTrue(rejected > 0, "some flips must break the image");
    }

    @Test
    void extremeWordsAtEveryAlignedHeaderOffset() {
        int[] extremes = {0, -1, 0x7fffffff, 0x80000000, 0x10000};
        int end = Math.min(0x600, live.length);
        for (int at = 0; at + 4 <= end; at += 4) {
            for (int value : extremes) {
                parseOrReject(new ElfPatcher(live).putInt(at, value).bytes);
            }
        }
    }

    @Test
    void wildHeaderFields() {
        ElfPatcher p = new ElfPatcher(live);
        assertRejected(new ElfPatcher(live).putLong(32, Long.MAX_VALUE).bytes); // e_phoff
        assertRejected(new ElfPatcher(live).putLong(32, -1).bytes);
        assertRejected(new ElfPatcher(live).putLong(32, live.length - 10).bytes);
        assertRejected(new ElfPatcher(live).putShort(54, 0).bytes); // e_phentsize
        assertRejected(new ElfPatcher(live).putShort(56, 0xffff).bytes); // e_phnum
        assertRejected(new ElfPatcher(live).putShort(56, 0).bytes); // no program headers at all
        int dynamic = p.phdr(2);
        assertRejected(new ElfPatcher(live).putLong(dynamic + 8, live.length + 1L).bytes); // p_offset
        assertRejected(new ElfPatcher(live).putLong(dynamic + 32, Long.MAX_VALUE).bytes); // p_filesz
        assertRejected(new ElfPatcher(live).putInt(p.phdr(1), 0x70000000).bytes); // no PT_LOAD
        int note = p.phdr(4);
        assertRejected(new ElfPatcher(live).putLong(note + 32, 1L << 40).bytes); // note p_filesz
        assertRejected(new ElfPatcher(live).putInt(p.getInt(note + 8), 0x7fffffff).bytes); // n_namesz
    }

    @Test
    void wildDynamicValues() {
        long[][] cases = {
            {DT_STRTAB, 0x7fffffff0000L}, {DT_STRTAB, Long.MAX_VALUE}, {DT_STRTAB, Long.MIN_VALUE},
            {DT_SYMTAB, live.length}, {DT_SYMTAB, -24},
            {DT_STRSZ, Long.MAX_VALUE}, {DT_STRSZ, 1},
            {DT_SYMENT, 0}, {DT_SYMENT, Long.MAX_VALUE},
            {DT_HASH, live.length - 4}, {DT_VERSYM, live.length - 1}, {DT_VERDEF, live.length + 100},
            {DT_SONAME, 1L << 40},
        };
        for (long[] c : cases) {
            byte[] image = new ElfPatcher(live).dynValue(c[0], c[1]).bytes;
            Executable parse = () -> ElfParser.parse(image);
            assertThrows(ElfParseException.class, parse, "tag 0x" + Long.toHexString(c[0]) + " = " + c[1]);
        }
    }

    @Test
    void hugeSymbolCountsAreRejectedNotAllocated() {
        ElfPatcher p = new ElfPatcher(live);
        int hash = p.dynTarget(DT_HASH);
        assertRejected(new ElfPatcher(live).putInt(hash + 4, 0x80000000).bytes); // nchain = 2^31
        assertRejected(new ElfPatcher(live).putInt(hash + 4, -1).bytes); // nchain = 2^32 - 1
        assertRejected(new ElfPatcher(live).dynValue(DT_VERDEFNUM, Long.MAX_VALUE)
                .putInt(p.dynTarget(DT_VERDEF) + 16, -1).bytes); // vd_next far outside
    }

    @Test
    void gnuHashOnlyCorruptions() throws ElfParseException {
        ElfPatcher gnuOnly = new ElfPatcher(live).hideTag(DT_HASH);
        assertEquals(ElfParser.parse(live).symbols().size(), ElfParser.parse(gnuOnly.bytes).symbols().size(),
                "DT_GNU_HASH alone gives the same count as DT_HASH");
        int gnu = gnuOnly.dynTarget(DT_GNU_HASH);
        assertRejected(new ElfPatcher(gnuOnly.bytes).putInt(gnu, -1).bytes); // nbuckets
        assertRejected(new ElfPatcher(gnuOnly.bytes).putInt(gnu + 8, -1).bytes); // bloom_size
        assertRejected(new ElfPatcher(gnuOnly.bytes).putInt(gnu + 4, 0x7fffffff).bytes); // symoffset above buckets
        // Clear every chain end bit after the buckets: the walk must stop at the image end.
        ElfPatcher noEnd = new ElfPatcher(gnuOnly.bytes);
        int nbuckets = noEnd.getInt(gnu);
        int bloom = noEnd.getInt(gnu + 8);
        for (int at = gnu + 16 + bloom * 8 + nbuckets * 4; at + 4 <= live.length; at += 4) {
            noEnd.putInt(at, noEnd.getInt(at) & ~1);
        }
        parseOrReject(noEnd.bytes);
    }

    @Test
    void undefinedVersionIndexIsRejected() {
        ElfPatcher p = new ElfPatcher(live);
        int versym = p.dynTarget(DT_VERSYM);
        assertRejected(p.putShort(versym + 2, 0x7fff).bytes);
    }
}
