package io.vdsoagent.source.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Writes the seed corpus of {@link FuzzElfParserTest} (synthetic images only, never a dump of a
 * host's vDSO): valid images of every shape the builder knows, truncations, and images whose
 * offsets and counts point far outside themselves. Run once by hand; the output is committed:
 * {@code java -cp core/target/test-classes:core/target/classes io.vdsoagent.source.elf.FuzzElfSeeds
 * core/src/test/resources/io/vdsoagent/source/elf/FuzzElfParserTestInputs/parse}
 */
public final class FuzzElfSeeds {
    private FuzzElfSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[0]);
        Files.createDirectories(dir);
        byte[] x86 = TestImages.x86_64();
        write(dir, "valid-x86_64", x86);
        write(dir, "valid-aarch64-le-gnu-hash", TestImages.aarch64(ByteOrder.LITTLE_ENDIAN));
        write(dir, "valid-aarch64-be-gnu-hash", TestImages.aarch64(ByteOrder.BIG_ENDIAN));
        write(dir, "valid-s390x-be-sysv-hash-8-byte-entries", TestImages.s390x(ElfImageBuilder.Hash.SYSV));
        write(dir, "valid-elf32-sysv-hash", new ElfImageBuilder().elf32().machine(3).soname("linux-gate.so.1")
                .hash(ElfImageBuilder.Hash.SYSV).function("__vdso_clock_gettime", "LINUX_2.6")
                .versionSymbol("LINUX_2.6").build());
        write(dir, "valid-unversioned-no-build-id", new ElfImageBuilder().unversioned().buildId(null)
                .function("__kernel_clock_gettime", "").build());
        write(dir, "valid-high-vaddr", new ElfImageBuilder().vaddr(0xffffffffff700000L)
                .function("__vdso_time", "LINUX_2.6").build());

        for (int length : new int[] {0, 4, 16, 63, 64, 120, x86.length / 2, x86.length - 1}) {
            write(dir, "truncated-" + length, Arrays.copyOf(x86, length));
        }

        ByteBuffer h = ByteBuffer.wrap(x86).order(ByteOrder.LITTLE_ENDIAN);
        write(dir, "wild-e_phoff", patchLong(x86, 32, 0x7fffffffffffff00L));
        write(dir, "wild-e_phnum", patchShort(x86, 56, 0xffff));
        write(dir, "small-e_phentsize", patchShort(x86, 54, 8));
        int phnum = h.getShort(56) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            int ph = 64 + i * 56;
            if (h.getInt(ph) == 2) { // PT_DYNAMIC
                write(dir, "wild-dynamic-offset", patchLong(x86, ph + 8, 0x4000000000000000L));
                write(dir, "wild-dynamic-size", patchLong(x86, ph + 32, -1L));
                int dyn = (int) h.getLong(ph + 8);
                for (int at = dyn; at + 16 <= x86.length; at += 16) {
                    long tag = h.getLong(at);
                    if (tag == 0) {
                        break;
                    }
                    if (tag == 5) { // DT_STRTAB
                        write(dir, "wild-dt_strtab", patchLong(x86, at + 8, 0x4000000000000000L));
                    } else if (tag == 4) { // DT_HASH: nchain far beyond the image
                        int hash = (int) h.getLong(at + 8);
                        write(dir, "wild-hash-nchain", patchInt(x86, hash + 4, 0xffffffff));
                    } else if (tag == 0x6ffffffcL) { // DT_VERDEF: a vd_next loop back onto itself
                        int verdef = (int) h.getLong(at + 8);
                        write(dir, "verdef-next-zero-length", patchInt(x86, verdef + 16, 0));
                    }
                }
            }
        }
    }

    private static byte[] patchLong(byte[] image, int at, long value) {
        byte[] copy = image.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return copy;
    }

    private static byte[] patchInt(byte[] image, int at, int value) {
        byte[] copy = image.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }

    private static byte[] patchShort(byte[] image, int at, int value) {
        byte[] copy = image.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
        return copy;
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }
}
