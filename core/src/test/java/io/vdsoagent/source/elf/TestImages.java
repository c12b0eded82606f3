package io.vdsoagent.source.elf;

import java.nio.ByteOrder;

/** Ready-made synthetic vDSO images for tests outside this package. */
public final class TestImages {
    public static final String BUILD_ID_HEX = "deadbeef01020304";

    private TestImages() {
    }

    /** x86_64 shape: both hash tables, LINUX_2.6, one weak alias. */
    public static byte[] x86_64() {
        return new ElfImageBuilder()
                .function("__vdso_clock_gettime", "LINUX_2.6")
                .symbol(new ElfImageBuilder.Sym("clock_gettime", "LINUX_2.6", ElfSymbol.STB_WEAK, ElfSymbol.STT_FUNC,
                        ElfImageBuilder.TEXT, 0))
                .function("__vdso_time", "LINUX_2.6")
                .versionSymbol("LINUX_2.6")
                .build();
    }

    /** aarch64 shape: DT_GNU_HASH only, {@code __kernel_clock_gettime@LINUX_2.6.39}. */
    public static byte[] aarch64(ByteOrder order) {
        ElfImageBuilder b = new ElfImageBuilder().machine(183).hash(ElfImageBuilder.Hash.GNU);
        if (order == ByteOrder.BIG_ENDIAN) {
            b.bigEndian();
        }
        return b.function("__kernel_clock_gettime", "LINUX_2.6.39").versionSymbol("LINUX_2.6.39").build();
    }
}
