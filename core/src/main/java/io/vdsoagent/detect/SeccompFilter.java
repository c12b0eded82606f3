package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.ArchTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The classic BPF program of the seccomp probe: for this architecture's {@code clock_gettime}
 * whose second argument is exactly the probe's private buffer, return {@code SECCOMP_RET_ERRNO |
 * marker}; allow everything else. Any clock id matches, so one filter serves a whole probe run;
 * no other code ever passes that buffer, so no other call on the thread can be refused.
 */
final class SeccompFilter {

    // linux/filter.h, linux/seccomp.h
    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short RET_K = 0x06;
    static final int RET_ALLOW = 0x7fff0000;
    static final int RET_ERRNO = 0x00050000;

    // struct seccomp_data offsets: int nr, __u32 arch, __u64 instruction_pointer, __u64 args[6]. A load reads
    // 32 bits in the machine's byte order, so args[1]'s low half is its first word on little-endian machines
    // and its second on big-endian ones (s390x), as libseccomp's SECCOMP_ARG_LO/HI.
    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;
    private static final int OFF_ARG1 = 24;

    static final int INSTRUCTIONS = 10;
    private static final int ALLOW_INDEX = 9;

    private SeccompFilter() {
    }

    /** The sock_filter array in the architecture's byte order (the JVM's own), 8 bytes per instruction. */
    static byte[] program(ArchTable.Arch arch, long bufferAddress, int errnoMarker) {
        boolean little = arch.byteOrder() == ByteOrder.LITTLE_ENDIAN;
        ByteBuffer b = ByteBuffer.allocate(INSTRUCTIONS * 8).order(arch.byteOrder());
        put(b, LD_W_ABS, 0, 0, OFF_ARCH);
        putJumpToAllowUnlessEqual(b, 1, arch.auditArch());
        put(b, LD_W_ABS, 0, 0, OFF_NR);
        putJumpToAllowUnlessEqual(b, 3, (int) arch.clockGettimeNr());
        put(b, LD_W_ABS, 0, 0, little ? OFF_ARG1 : OFF_ARG1 + 4);
        putJumpToAllowUnlessEqual(b, 5, (int) bufferAddress);
        put(b, LD_W_ABS, 0, 0, little ? OFF_ARG1 + 4 : OFF_ARG1);
        putJumpToAllowUnlessEqual(b, 7, (int) (bufferAddress >>> 32));
        put(b, RET_K, 0, 0, RET_ERRNO | (errnoMarker & 0xffff));
        put(b, RET_K, 0, 0, RET_ALLOW);
        return b.array();
    }

    /** struct sock_fprog: unsigned short len, padding, struct sock_filter *filter. */
    static byte[] fprog(long programAddress) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) INSTRUCTIONS);
        b.putLong(8, programAddress);
        return b.array();
    }

    private static void putJumpToAllowUnlessEqual(ByteBuffer b, int index, int k) {
        // Jump offsets count from the next instruction.
        put(b, JEQ_K, 0, ALLOW_INDEX - index - 1, k);
    }

    private static void put(ByteBuffer b, short code, int jt, int jf, int k) {
        b.putShort(code);
        b.put((byte) jt);
        b.put((byte) jf);
        b.putInt(k);
    }
}
