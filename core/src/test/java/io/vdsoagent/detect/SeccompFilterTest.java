package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vdsoagent.nativeaccess.ArchTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter run the way the kernel runs it: a classic-BPF interpreter (the three opcodes the filter uses)
 * over a {@code struct seccomp_data} laid out in the architecture's byte order (int nr, __u32 arch, __u64
 * instruction_pointer, __u64 args[6]; a 32-bit load reads in that order). The live proof on a big-endian
 * kernel is the s390x lab (S390xVerdictsE2E: seccomp's verdicts equal strace's there).
 */
class SeccompFilterTest {
    private static final int MARKER = SeccompDetector.ERRNO_MARKER;
    /** Halves that differ, as a real s390x heap address does (0x3ff... high, anything low). */
    private static final long BUFFER = 0x000003ff_a1b2c3d0L;

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "aarch64", "ppc64le", "s390x", "riscv64"})
    void refusesOnlyThisArchitecturesClockGettimeOnTheProbeBuffer(String name) {
        ArchTable.Arch arch = ArchTable.lookup(name);
        assertNotNull(arch, name);
        byte[] program = SeccompFilter.program(arch, BUFFER, MARKER);
        long nr = arch.clockGettimeNr();
        int audit = arch.auditArch();
        assertEquals(SeccompFilter.RET_ERRNO | MARKER, run(program, arch, data(arch, nr, audit, 1, BUFFER)), name + ": the probe's call");
        assertEquals(SeccompFilter.RET_ERRNO | MARKER, run(program, arch, data(arch, nr, audit, 6, BUFFER)), name + ": any clock id");
        long swapped = (BUFFER << 32) | (BUFFER >>> 32);
        assertEquals(SeccompFilter.RET_ALLOW, run(program, arch, data(arch, nr, audit, 1, swapped)), name + ": halves swapped");
        assertEquals(SeccompFilter.RET_ALLOW, run(program, arch, data(arch, nr, audit, 1, BUFFER + 16)), name + ": another buffer");
        assertEquals(SeccompFilter.RET_ALLOW, run(program, arch, data(arch, nr + 1, audit, 1, BUFFER)), name + ": clock_getres");
        assertEquals(SeccompFilter.RET_ALLOW, run(program, arch, data(arch, nr, audit ^ 0x40000000, 1, BUFFER)),
                name + ": the other byte order's audit arch");
    }

    private static ByteBuffer data(ArchTable.Arch arch, long nr, int audit, long clock, long buffer) {
        ByteBuffer d = ByteBuffer.allocate(64).order(arch.byteOrder());
        d.putInt(0, (int) nr);
        d.putInt(4, audit);
        d.putLong(8, 0x1000);
        d.putLong(16, clock);
        d.putLong(24, buffer);
        return d;
    }

    /** BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K and BPF_RET|BPF_K; anything else fails the test. */
    private static int run(byte[] program, ArchTable.Arch arch, ByteBuffer data) {
        ByteBuffer p = ByteBuffer.wrap(program).order(arch.byteOrder());
        int a = 0;
        for (int pc = 0; pc * 8 < program.length; pc++) {
            int code = p.getShort(pc * 8) & 0xffff;
            int jt = p.get(pc * 8 + 2) & 0xff;
            int jf = p.get(pc * 8 + 3) & 0xff;
            int k = p.getInt(pc * 8 + 4);
            if (code == 0x20) {
                a = data.getInt(k);
            } else if (code == 0x15) {
                pc += a == k ? jt : jf;
            } else if (code == 0x06) {
                return k;
            } else {
                throw new AssertionError("opcode " + Integer.toHexString(code) + " at " + pc);
            }
        }
        throw new AssertionError("fell off the end of the program");
    }
}
