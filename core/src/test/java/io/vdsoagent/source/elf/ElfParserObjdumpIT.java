package io.vdsoagent.source.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;


import io.vdsoagent.testing.ObjdumpDynamicSymbols;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth from binutils: the parser must list exactly the (name, version) pairs
 * {@code objdump -T} prints for the same bytes, and the soname/build-id objdump and readelf print.
 * Runs on the live vDSO of this JVM and on synthetic images of other shapes (aarch64 big-endian
 * with only DT_GNU_HASH, s390x big-endian with 8-byte DT_HASH entries, 32-bit, unversioned).
 */
class ElfParserObjdumpIT {
    @TempDir
    Path tmp;

    @Test
    void liveVdsoMatchesObjdump() throws Exception {
        byte[] image = LiveVdso.image();
        ElfImage parsed = assertMatchesBinutils(image, "live-vdso.so");
        assertFalse(parsed.symbols().isEmpty(), "the live vDSO exports symbols");
        System.out.println("live vDSO: " + image.length + " bytes, " + parsed.machineName() + ", soname "
                + parsed.soname() + ", build-id " + parsed.buildId() + ", symbols " + parsed.symbols());
    }

    @Test
    void aarch64BigEndianGnuHashOnlyMatchesObjdump() throws Exception {
        assertMatchesBinutils(new ElfImageBuilder().bigEndian().machine(183).hash(ElfImageBuilder.Hash.GNU)
                .function("__kernel_clock_gettime", "LINUX_2.6.39")
                .function("__kernel_gettimeofday", "LINUX_2.6.39")
                .function("__kernel_clock_getres", "LINUX_2.6.39")
                .function("__kernel_rt_sigreturn", "LINUX_2.6.39")
                .hiddenFunction("__kernel_old_gettime", "LINUX_2.6.39")
                .versionSymbol("LINUX_2.6.39")
                .build(), "aarch64_be.so");
    }

    @Test
    void aarch64LittleEndianGnuHashOnlyMatchesObjdump() throws Exception {
        assertMatchesBinutils(new ElfImageBuilder().machine(183).hash(ElfImageBuilder.Hash.GNU).vaddr(0x1000)
                .function("__kernel_clock_gettime", "LINUX_2.6.39")
                .versionSymbol("LINUX_2.6.39")
                .build(), "aarch64.so");
    }

    @ParameterizedTest
    @EnumSource(ElfImageBuilder.Hash.class)
    void s390xEightByteSysvHashMatchesObjdump(ElfImageBuilder.Hash hash) throws Exception {
        ElfImage parsed = assertMatchesBinutils(TestImages.s390x(hash), "s390x-" + hash + ".so");
        assertEquals("s390x", parsed.machineName());
    }

        @Test
    void elf32SysvHashMatchesObjdump() throws Exception {
        assertMatchesBinutils(new ElfImageBuilder().elf32().machine(3).hash(ElfImageBuilder.Hash.SYSV)
                .soname("linux-gate.so.1")
                .function("__kernel_vsyscall", "LINUX_2.5")
                .function("__vdso_clock_gettime", "LINUX_2.6")
                .function("__vdso_time", "")
                .versionSymbol("LINUX_2.6")
                .build(), "i386.so");
    }

    @Test
    void unversionedImageMatchesObjdump() throws Exception {
        assertMatchesBinutils(new ElfImageBuilder().unversioned().buildId(null)
                .function("__vdso_clock_gettime", "")
                .build(), "unversioned.so");
    }

    private ElfImage assertMatchesBinutils(byte[] image, String name) throws Exception {
        Path file = tmp.resolve(name);
        Files.write(file, image);
        ElfImage parsed = ElfParser.parse(image);
        TreeSet<String> ours = new TreeSet<>();
        for (ElfSymbol s : parsed.symbols()) {
            String version = s.hidden() ? "(" + s.version() + ")" : s.version();
            ours.add(version.isEmpty() ? s.name() : s.name() + "@" + version);
        }
        assertEquals(ObjdumpDynamicSymbols.of(file), ours, "objdump -T " + file);
        assertEquals(BinutilsTool.objdumpSoname(file), parsed.soname(), "objdump -p SONAME");
        assertEquals(BinutilsTool.readelfBuildId(file), parsed.buildId(), "readelf -n Build ID");
        assertEquals(Arrays.asList("ELF" + parsed.elfClass(),
                        parsed.byteOrder() == ByteOrder.LITTLE_ENDIAN ? "2's complement, little endian"
                                : "2's complement, big endian"),
                BinutilsTool.readelfClassAndData(file), "readelf -h");
        return parsed;
    }
}
