package io.vdsoagent.nativeaccess;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-architecture syscall facts, as data rather than branches (uapi asm/unistd.h, linux/audit.h), and the
 * byte order the seccomp filter needs to find the halves of a 64-bit argument. Only 64-bit architectures
 * the lab has run the agent on are listed; any other is unknown (null), never guessed.
 */
public final class ArchTable {

    /** One architecture's numbers. */
    public static final class Arch {
        private final String name;
        private final long clockGettimeNr;
        private final long seccompNr;
        private final int auditArch;
        private final long clockGetresNr;
        private final ByteOrder byteOrder;

        Arch(String name, long clockGettimeNr, long clockGetresNr, long seccompNr, int auditArch, ByteOrder byteOrder) {
            this.name = name;
            this.byteOrder = byteOrder;
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

        /** The machine's byte order (AUDIT_ARCH_* without __AUDIT_ARCH_LE is big-endian). */
        public ByteOrder byteOrder() {
            return byteOrder;
        }
    }

    private static final Map<String, Arch> BY_NAME;

    static {
        Map<String, Arch> m = new HashMap<>();
        Arch x86 = new Arch("x86_64", 228, 229, 317, 0xc000003e, ByteOrder.LITTLE_ENDIAN);
        Arch arm = new Arch("aarch64", 113, 114, 277, 0xc00000b7, ByteOrder.LITTLE_ENDIAN);
        // powerpc syscall.tbl; AUDIT_ARCH_PPC64LE = EM_PPC64 (21) | 64BIT | LE. Big-endian ppc64 is left out:
        // no lab has run it (its vDSO and ELFv1 function descriptors differ).
        Arch ppc64le = new Arch("ppc64le", 246, 247, 358, 0xc0000015, ByteOrder.LITTLE_ENDIAN);
        // s390 syscall.tbl; AUDIT_ARCH_S390X = EM_S390 (22) | 64BIT, big-endian (no LE bit).
        Arch s390x = new Arch("s390x", 260, 261, 348, 0x80000016, ByteOrder.BIG_ENDIAN);
        // asm-generic unistd.h (as aarch64); AUDIT_ARCH_RISCV64 = EM_RISCV (243) | 64BIT | LE.
        Arch riscv64 = new Arch("riscv64", 113, 114, 277, 0xc00000f3, ByteOrder.LITTLE_ENDIAN);
        m.put("x86_64", x86);
        m.put("amd64", x86);
        m.put("aarch64", arm);
        m.put("arm64", arm);
        m.put("ppc64le", ppc64le);
        m.put("s390x", s390x);
        m.put("riscv64", riscv64);
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private ArchTable() {
    }

    /** The entry for a JVM {@code os.arch} or kernel machine name, or null when unknown. */
    public static Arch lookup(String archName) {
        return archName == null ? null : BY_NAME.get(archName.toLowerCase(Locale.ROOT));
    }
}
