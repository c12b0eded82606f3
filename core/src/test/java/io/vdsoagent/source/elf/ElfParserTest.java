package io.vdsoagent.source.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The parser on synthetic images whose contents the test itself chose (the builder input is the truth). */
class ElfParserTest {

    private static List<String> names(ElfImage image) {
        List<String> out = new ArrayList<>();
        for (ElfSymbol s : image.symbols()) {
            out.add(s.toString());
        }
        return out;
    }

    @Test
    void x86_64ImageWithBothHashTables() throws ElfParseException {
        ElfImage image = ElfParser.parse(TestImages.x86_64());
        assertEquals(64, image.elfClass());
        assertEquals(ByteOrder.LITTLE_ENDIAN, image.byteOrder());
        assertEquals(62, image.machine());
        assertEquals("x86_64", image.machineName());
        assertEquals("linux-vdso.so.1", image.soname());
        assertEquals(TestImages.BUILD_ID_HEX, image.buildId());
        assertEquals(java.util.Arrays.asList("__vdso_clock_gettime@@LINUX_2.6", "clock_gettime@@LINUX_2.6",
                "__vdso_time@@LINUX_2.6", "LINUX_2.6@@LINUX_2.6"), names(image));
        ElfSymbol abs = image.symbols().get(3);
        assertEquals(ElfSymbol.SHN_ABS, abs.sectionIndex());
        assertEquals(ElfSymbol.STT_OBJECT, abs.type());
        assertEquals(ElfSymbol.STB_WEAK, image.symbols().get(1).binding());
        assertFalse(abs.hidden());
    }

    @Test
    void aarch64GnuHashOnlyInBothByteOrders() throws ElfParseException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ElfImage image = ElfParser.parse(TestImages.aarch64(order));
            assertEquals(order, image.byteOrder());
            assertEquals(order == ByteOrder.BIG_ENDIAN ? "aarch64_be" : "aarch64", image.machineName());
            assertEquals(java.util.Arrays.asList("__kernel_clock_gettime@@LINUX_2.6.39",
                    "LINUX_2.6.39@@LINUX_2.6.39"), names(image), order.toString());
        }
    }

    @Test
    void s390xEightByteSysvHashCountsEverySymbol() throws ElfParseException {
        // DT_HASH alone decides the count here; read as 4-byte entries it would be nbucket's low half (1).
        for (ElfImageBuilder.Hash hash : ElfImageBuilder.Hash.values()) {
            ElfImage image = ElfParser.parse(TestImages.s390x(hash));
            assertEquals(ByteOrder.BIG_ENDIAN, image.byteOrder());
            assertEquals("s390x", image.machineName());
            assertEquals("linux-vdso64.so.1", image.soname());
            assertEquals(8, image.symbols().size(), hash + ": " + names(image));
            assertEquals("__kernel_clock_gettime@@LINUX_2.6.29", names(image).get(7), hash.toString());
        }
    }

    @Test
    void sysvHashEntriesAreEightBytesOnlyOn64BitS390AndAlpha() {
        assertEquals(8, ElfMachines.sysvHashEntrySize(22, true));
        assertEquals(4, ElfMachines.sysvHashEntrySize(22, false), "31-bit s390");
        assertEquals(8, ElfMachines.sysvHashEntrySize(0x9026, true));
        assertEquals(4, ElfMachines.sysvHashEntrySize(21, true), "ppc64");
        assertEquals(4, ElfMachines.sysvHashEntrySize(62, true), "x86_64");
    }

        @Test
    void gnuHashChainWalkCountsEverySymbol() throws ElfParseException {
        ElfImageBuilder b = new ElfImageBuilder().hash(ElfImageBuilder.Hash.GNU);
        for (int i = 0; i < 40; i++) {
            b.function("f" + i, "V" + (i % 3));
        }
        ElfImage image = ElfParser.parse(b.build());
        assertEquals(40, image.symbols().size());
        assertEquals("f39@@V0", image.symbols().get(39).toString());
    }

    @Test
    void elf32SysvHashOnlyWithBaseVersion() throws ElfParseException {
        ElfImage image = ElfParser.parse(new ElfImageBuilder().elf32().machine(3).hash(ElfImageBuilder.Hash.SYSV)
                .soname("linux-gate.so.1").function("__kernel_vsyscall", "LINUX_2.5").function("__vdso_time", "")
                .build());
        assertEquals(32, image.elfClass());
        assertEquals("i386", image.machineName());
        assertEquals("linux-gate.so.1", image.soname());
        assertEquals(java.util.Arrays.asList("__kernel_vsyscall@@LINUX_2.5", "__vdso_time@@Base"), names(image));
    }

    @Test
    void nonzeroLinkAddressUsesTheLoadBias() throws ElfParseException {
        ElfImage image = ElfParser.parse(new ElfImageBuilder().vaddr(0xffffffffff700000L)
                .function("__vdso_clock_gettime", "LINUX_2.6").build());
        assertEquals("__vdso_clock_gettime@@LINUX_2.6", image.symbols().get(0).toString());
    }

    @Test
    void hiddenVersionIsFlagged() throws ElfParseException {
        ElfImage image = ElfParser.parse(new ElfImageBuilder().hiddenFunction("old", "V1").function("new", "V2").build());
        assertEquals(java.util.Arrays.asList("old@V1", "new@@V2"), names(image));
        assertTrue(image.symbols().get(0).hidden());
    }

    @Test
    void unversionedImageWithoutBuildIdOrSoname() throws ElfParseException {
        ElfImage image = ElfParser.parse(new ElfImageBuilder().unversioned().buildId(null).soname(null)
                .function("__vdso_clock_gettime", "").build());
        assertEquals("", image.buildId());
        assertEquals("", image.soname());
        assertEquals("", image.symbols().get(0).version());
    }

    @Test
    void undefinedAndLocalSymbolsAreNotExported() throws ElfParseException {
        ElfImage image = ElfParser.parse(new ElfImageBuilder()
                .symbol(new ElfImageBuilder.Sym("undefined", "LINUX_2.6", ElfSymbol.STB_GLOBAL, ElfSymbol.STT_FUNC, 0, 0))
                .symbol(new ElfImageBuilder.Sym("local", "LINUX_2.6", 0, ElfSymbol.STT_FUNC, ElfImageBuilder.TEXT, 0))
                .function("exported", "LINUX_2.6")
                .build());
        assertEquals(java.util.Arrays.asList("exported@@LINUX_2.6"), names(image));
    }

    @Test
    void emptyGnuHashMeansOnlyTheUnhashedSymbols() throws ElfParseException {
        ElfImage image = ElfParser.parse(new ElfImageBuilder().hash(ElfImageBuilder.Hash.GNU).build());
        assertTrue(image.symbols().isEmpty());
    }

    @Test
    void notElfAtAll() {
        assertThrows(ElfParseException.class, () -> ElfParser.parse(new byte[0]));
        assertThrows(ElfParseException.class, () -> ElfParser.parse(null));
        assertThrows(ElfParseException.class, () -> ElfParser.parse("#!/bin/sh\necho not an ELF\n".getBytes("UTF-8")));
    }
}
