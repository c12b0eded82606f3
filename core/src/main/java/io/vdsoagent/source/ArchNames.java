package io.vdsoagent.source;

import java.util.Locale;

/** Normalises Java's {@code os.arch} to the {@code uname -m} spelling the vDSO's e_machine gives. */
final class ArchNames {
    private static final String[][] OS_ARCH_TO_UNAME = {
        {"amd64", "x86_64"},
        {"x86", "i386"},
        {"i386", "i386"},
        {"i486", "i386"},
        {"i586", "i386"},
        {"i686", "i386"},
    };

    private ArchNames() {
    }

    static String fromOsArch(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        for (String[] row : OS_ARCH_TO_UNAME) {
            if (row[0].equals(arch)) {
                return row[1];
            }
        }
        return arch; // aarch64, ppc64le, s390x, riscv64, loongarch64 are spelled alike
    }
}
