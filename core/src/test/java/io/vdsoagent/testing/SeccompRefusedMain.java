package io.vdsoagent.testing;

import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Plays the outer policy (a container runtime's profile) that forbids {@code seccomp()}: the main
 * thread installs a filter returning EPERM for it, which every thread started afterwards inherits,
 * including the detector's probe thread. Then runs {@link ProbeMain}.
 */
public final class SeccompRefusedMain {
    private static final int EPERM = 1;

    private SeccompRefusedMain() {
    }

    public static void main(String[] args) {
        NativeAccess na = NativeAccessLoader.shared().get();
        ByteBuffer b = ByteBuffer.allocate(6 * 8).order(ByteOrder.nativeOrder());
        insn(b, 0x20, 0, 0, 4);                                  // A = seccomp_data.arch
        insn(b, 0x15, 0, 3, na.arch().auditArch());             // not our arch: allow
        insn(b, 0x20, 0, 0, 0);                                  // A = seccomp_data.nr
        insn(b, 0x15, 0, 1, (int) na.arch().seccompNr());       // not seccomp(): allow
        insn(b, 0x06, 0, 0, 0x00050000 | EPERM);                // seccomp(): EPERM
        insn(b, 0x06, 0, 0, 0x7fff0000);                        // allow
        NativeBuffer programBuffer = na.allocate(b.capacity());
        programBuffer.write(b.array());
        long program = programBuffer.address();
        ByteBuffer f = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        f.putShort(0, (short) 6);
        f.putLong(8, program);
        NativeBuffer fprogBuffer = na.allocate(16);
        fprogBuffer.write(f.array());
        long fprog = fprogBuffer.address();
        if (na.prctl(38, 1, 0, 0, 0) != 0 || na.syscall3(na.arch().seccompNr(), 1, 0, fprog) != 0) {
            System.out.println("SETUP FAILED errno " + na.lastErrno());
            return;
        }
        ProbeMain.main(args);
    }

    private static void insn(ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
