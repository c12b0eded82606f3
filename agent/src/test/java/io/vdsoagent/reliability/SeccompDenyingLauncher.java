package io.vdsoagent.reliability;

import io.vdsoagent.nativeaccess.ArchTable;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.base.Probed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Plays the "outer policy" of a locked-down container: installs a seccomp filter that refuses
 * {@code seccomp(2)} itself with EPERM (and allows everything else), then runs the given command,
 * which inherits the filter, and exits with its exit code. The agent inside must then find its
 * seccomp detector refused, say so, and fall back to the next detector.
 *
 * <p>The filter goes on this JVM's main thread only (no TSYNC); ProcessBuilder forks from the
 * calling thread, so the child (and every thread of the JVM it execs) inherits it. Installing a
 * filter as non-root needs no_new_privs, which the child then inherits too; harmless for a JVM.
 */
public final class SeccompDenyingLauncher {
    static final int EXIT_CANNOT_INSTALL = 70;

    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int EPERM = 1;
    // linux/filter.h, linux/seccomp.h
    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short RET_K = 0x06;
    private static final int RET_ALLOW = 0x7fff0000;
    private static final int RET_ERRNO = 0x00050000;

    private SeccompDenyingLauncher() {
    }

    public static void main(String[] command) throws Exception {
        Probed<NativeAccess> native_ = NativeAccess.get();
        if (!native_.known()) {
            System.err.println("launcher: no native access: " + native_.reason());
            System.exit(EXIT_CANNOT_INSTALL);
        }
        NativeAccess na = native_.get();
        ArchTable.Arch arch = na.arch();
        byte[] program = program(arch.auditArch(), (int) arch.seccompNr());
        long programAt = na.allocateForever(program.length);
        na.write(programAt, program);
        ByteBuffer fprog = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        fprog.putShort(0, (short) (program.length / 8));
        fprog.putLong(8, programAt);
        long fprogAt = na.allocateForever(16);
        na.write(fprogAt, fprog.array());

        if (na.libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
            System.err.println("launcher: prctl(PR_SET_NO_NEW_PRIVS) failed, errno " + na.lastError());
            System.exit(EXIT_CANNOT_INSTALL);
        }
        if (na.libc().syscall3(arch.seccompNr(), SECCOMP_SET_MODE_FILTER, 0, fprogAt) != 0) {
            System.err.println("launcher: seccomp() failed, errno " + na.lastError());
            System.exit(EXIT_CANNOT_INSTALL);
        }
        // From here on this thread cannot install another filter; prove it before relying on it.
        if (na.libc().syscall3(arch.seccompNr(), SECCOMP_SET_MODE_FILTER, 0, fprogAt) == 0 || na.lastError() != EPERM) {
            System.err.println("launcher: the filter does not refuse seccomp()");
            System.exit(EXIT_CANNOT_INSTALL);
        }
        Process child = new ProcessBuilder(command).inheritIO().start();
        System.exit(child.waitFor());
    }

    /** arch != ours: allow; nr == seccomp: ERRNO(EPERM); else allow. */
    static byte[] program(int auditArch, int seccompNr) {
        ByteBuffer b = ByteBuffer.allocate(6 * 8).order(ByteOrder.nativeOrder());
        put(b, LD_W_ABS, 0, 0, 4);              // 0: A = seccomp_data.arch
        put(b, JEQ_K, 0, 3, auditArch);         // 1: foreign arch -> 5 (allow)
        put(b, LD_W_ABS, 0, 0, 0);              // 2: A = seccomp_data.nr
        put(b, JEQ_K, 0, 1, seccompNr);         // 3: not seccomp -> 5 (allow)
        put(b, RET_K, 0, 0, RET_ERRNO | EPERM); // 4: refuse
        put(b, RET_K, 0, 0, RET_ALLOW);         // 5: allow
        return b.array();
    }

    private static void put(ByteBuffer b, short code, int jt, int jf, int k) {
        b.putShort(code);
        b.put((byte) jt);
        b.put((byte) jf);
        b.putInt(k);
    }
}
