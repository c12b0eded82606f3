package io.vdsoagent.nativeaccess;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-architecture syscall facts, as data rather than branches (uapi asm/unistd.h, linux/audit.h).
 * Only little-endian 64-bit architectures are listed: the seccomp filter compares the low and high
 * halves of 64-bit arguments at little-endian offsets.
 */
public final class ArchTable {

    /** One architecture's numbers. */
    public static final class Arch {
        private final String name;
        private final long clockGettimeNr;
        private final long seccompNr;
        private final int auditArch;
        private final long clockGetresNr;

        Arch(String name, long clockGettimeNr, long clockGetresNr, long seccompNr, int auditArch) {
            this.name = name;
            this.clockGettimeNr = clockGettimeNr;
            this.clockGetresNr = clockGetresNr;
            this.seccompNr = seccompNr;
            this.auditArch = auditArch;
        }

        public String name() {
            return name;
        }

        /** SYS_clock_gettime. */
        public long clockGettimeNr() {
            return clockGettimeNr;
        }

        /** SYS_clock_getres: the resolution the consistency check allows. */
        public long clockGetresNr() {
            return clockGetresNr;
        }

        /** SYS_seccomp. */
        public long seccompNr() {
            return seccompNr;
        }

        /** AUDIT_ARCH_* as seen in seccomp_data.arch. */
        public int auditArch() {
            return auditArch;
        }
    }

    private static final Map<String, Arch> BY_NAME;

    static {
        Map<String, Arch> m = new HashMap<>();
        Arch x86 = new Arch("x86_64", 228, 229, 317, 0xc000003e);
        Arch arm = new Arch("aarch64", 113, 114, 277, 0xc00000b7);
        // powerpc syscall.tbl; AUDIT_ARCH_PPC64LE = EM_PPC64 (21) | 64BIT | LE. Big-endian ppc64 and
        // s390x are left out: the seccomp filter's argument offsets are little-endian.
        Arch ppc64le = new Arch("ppc64le", 246, 247, 358, 0xc0000015);
        m.put("x86_64", x86);
        m.put("amd64", x86);
        m.put("aarch64", arm);
        m.put("arm64", arm);
        m.put("ppc64le", ppc64le);
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private ArchTable() {
    }

    /** The entry for a JVM {@code os.arch} or kernel machine name, or null when unknown. */
    public static Arch lookup(String archName) {
        return archName == null ? null : BY_NAME.get(archName.toLowerCase(Locale.ROOT));
    }
}
