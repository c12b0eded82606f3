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

    /**
     * s390x shape, as Debian 12's 6.1 kernel maps it (dumped in the lab's s390x guest, checked with
     * {@code s390x-linux-gnu-objdump -T}): big-endian, soname {@code linux-vdso64.so.1}, DT_HASH with 8-byte
     * entries next to DT_GNU_HASH, eight {@code __kernel_*}/version symbols at LINUX_2.6.29.
     */
    public static byte[] s390x(ElfImageBuilder.Hash hash) {
        ElfImageBuilder b = new ElfImageBuilder().bigEndian().machine(22).hash(hash).soname("linux-vdso64.so.1");
        for (String name : new String[] {"__kernel_clock_getres", "__kernel_sigreturn", "__kernel_getcpu",
                "__kernel_rt_sigreturn", "__kernel_restart_syscall", "__kernel_gettimeofday"}) {
            b.function(name, "LINUX_2.6.29");
        }
        return b.versionSymbol("LINUX_2.6.29").function("__kernel_clock_gettime", "LINUX_2.6.29").build();
    }
}
