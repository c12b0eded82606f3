package io.vdsoagent.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.base.Probed;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Each architecture's numbers against the kernel's own uapi headers as Debian ships them (the host's
 * linux-libc-dev and the cross packages' copies): asm/unistd for the syscall numbers, linux/audit.h and
 * linux/elf-em.h for the seccomp audit arch. A header that is not installed skips its row, naming the package.
 */
class ArchTableHeadersTest {

    @ParameterizedTest
    @CsvSource({
        "x86_64, /usr/include/x86_64-linux-gnu/asm/unistd_64.h, AUDIT_ARCH_X86_64, linux-libc-dev",
        "aarch64, /usr/aarch64-linux-gnu/include/asm-generic/unistd.h, AUDIT_ARCH_AARCH64, libc6-dev-arm64-cross",
        "ppc64le, /usr/powerpc64le-linux-gnu/include/asm/unistd_64.h, AUDIT_ARCH_PPC64LE, libc6-dev-ppc64el-cross",
        "s390x, /usr/s390x-linux-gnu/include/asm/unistd_64.h, AUDIT_ARCH_S390X, libc6-dev-s390x-cross",
        "riscv64, /usr/riscv64-linux-gnu/include/asm-generic/unistd.h, AUDIT_ARCH_RISCV64, linux-libc-dev-riscv64-cross",
    })
    void numbersEqualTheKernelHeaders(String arch, String unistd, String auditName, String debianPackage) throws IOException {
        Path header = Paths.get(unistd);
        assumeTrue(Files.isRegularFile(header), "needs " + unistd + " (Debian package " + debianPackage + ")");
        Path audit = Paths.get("/usr/include/linux/audit.h");
        Path elfEm = Paths.get("/usr/include/linux/elf-em.h");
        assumeTrue(Files.isRegularFile(audit) && Files.isRegularFile(elfEm), "needs linux/audit.h (Debian package linux-libc-dev)");
        ArchTable.Arch a = ArchTable.lookup(arch);
        assertNotNull(a, arch);
        String text = read(header);
        assertEquals(define(text, "__NR_clock_gettime"), a.clockGettimeNr(), arch + " clock_gettime");
        assertEquals(define(text, "__NR_clock_getres"), a.clockGetresNr(), arch + " clock_getres");
        assertEquals(define(text, "__NR_seccomp"), a.seccompNr(), arch + " seccomp");
        long expectedAudit = auditArch(read(audit), read(elfEm), auditName);
        assertEquals(expectedAudit, a.auditArch() & 0xffffffffL, arch + " " + auditName);
        // The seccomp filter's argument halves follow the byte order; the audit arch's LE bit states it.
        long le = Long.parseLong(hexDefine(read(audit), "__AUDIT_ARCH_LE"), 16);
        assertEquals((expectedAudit & le) != 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, a.byteOrder(), arch + " byte order");
    }

    @Test
    void anArchitectureNotInTheTableIsUnknownNotGuessed() {
        // No lab has run the agent on these (the JDK ships on neither): their numbers would be a guess.
        assertNull(ArchTable.lookup("loongarch64"));
        assertNull(ArchTable.lookup("mips64el"));
        assertNull(ArchTable.lookup("ppc64"));
    }

    @Test
    void aJvmOnAnUnknownArchitectureGetsNoNativeProbeAndIsToldWhy() {
        // os.arch as a loongarch64 JDK reports it; every other test of this class reads only files.
        String real = System.getProperty("os.arch");
        System.setProperty("os.arch", "loongarch64");
        try {
            Probed<NativeAccess> p = NativeAccessLoader.load("auto", null, null);
            assertFalse(p.known(), "no binding without the architecture's syscall numbers");
            assertTrue(p.toString().startsWith("unknown, because architecture [loongarch64] is not in the agent's table"),
                    p.toString());
        } finally {
            System.setProperty("os.arch", real);
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static String hexDefine(String text, String name) {
        Matcher m = Pattern.compile("#define\\s+" + name + "\\s+0x([0-9a-fA-F]+)").matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " not defined");
        }
        return m.group(1);
    }

    private static long define(String text, String name) {
        Matcher m = Pattern.compile("#define\\s+" + name + "\\s+(\\d+)\\b").matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " not defined");
        }
        return Long.parseLong(m.group(1));
    }

    /** (EM_X|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE) evaluated from the headers' own defines. */
    private static long auditArch(String audit, String elfEm, String name) {
        Matcher m = Pattern.compile("#define\\s+" + name + "\\s+\\(([^)]*)\\)").matcher(audit);
        if (!m.find()) {
            throw new AssertionError(name + " not defined");
        }
        long value = 0;
        for (String part : m.group(1).split("\\|")) {
            String p = part.trim();
            Matcher hex = Pattern.compile("#define\\s+" + p + "\\s+0x([0-9a-fA-F]+)").matcher(audit);
            if (hex.find()) {
                value |= Long.parseLong(hex.group(1), 16);
            } else {
                value |= define(elfEm, p);
            }
        }
        return value;
    }
}
