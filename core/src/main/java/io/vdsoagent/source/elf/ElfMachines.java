package io.vdsoagent.source.elf;

import java.nio.ByteOrder;

/**
 * e_machine to the name {@code uname -m} uses on the architectures that ship a vDSO.
 * A data table, not logic: adding an architecture is one line.
 */
final class ElfMachines {
    private ElfMachines() {
    }

    private static final Object[][] TABLE = {
        // e_machine, 32-bit name, 64-bit name
        {3, "i386", "i386"},
        {8, "mips", "mips64"},
        {15, "parisc", "parisc64"},
        {20, "ppc", "ppc"},
        {21, "ppc64", "ppc64"},
        {22, "s390", "s390x"},
        {40, "arm", "arm"},
        {43, "sparc64", "sparc64"},
        {62, "x86_64", "x86_64"},
        {183, "aarch64", "aarch64"},
        {243, "riscv32", "riscv64"},
        {252, "csky", "csky"},
        {258, "loongarch32", "loongarch64"},
    };

    /**
     * The size of a DT_HASH entry (nbucket, nchain, buckets, chains): 4 bytes everywhere but on 64-bit
     * s390 and Alpha, whose ABIs made them 8 (binutils' hash_entry_size, glibc's Elf_Symndx there).
     * The s390x vDSO has both tables, and reading its 8-byte nchain as 4 bytes gives nbucket's low half.
     */
    static int sysvHashEntrySize(int machine, boolean is64) {
        return is64 && (machine == EM_S390 || machine == EM_ALPHA || machine == EM_FAKE_ALPHA) ? 8 : 4;
    }

    private static final int EM_S390 = 22;
    private static final int EM_ALPHA = 0x9026;
    private static final int EM_FAKE_ALPHA = 41; // elf.h: the number before Alpha had its own

    static String name(int machine, boolean is64, ByteOrder order) {
        for (Object[] row : TABLE) {
            if ((Integer) row[0] == machine) {
                return withEndianSuffix(machine, (String) row[is64 ? 2 : 1], order);
            }
        }
        return "em_" + machine;
    }

    /** Only where uname itself tells the byte orders apart. */
    private static String withEndianSuffix(int machine, String name, ByteOrder order) {
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        if (machine == 21 && little) {
            return "ppc64le";
        }
        if (machine == 183 && !little) {
            return "aarch64_be";
        }
        if (machine == 8 && little) {
            return name.equals("mips64") ? "mips64el" : "mipsel";
        }
        return name;
    }
}
