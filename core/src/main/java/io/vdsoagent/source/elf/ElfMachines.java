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
