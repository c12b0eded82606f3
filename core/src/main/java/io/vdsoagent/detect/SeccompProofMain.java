package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The proof process's body ({@link ProcessSeccompRunner}): {@code [--native-dir=DIR] clockId...}; runs
 * the filtered calls on a thread of this process, which runs no application code, and prints one
 * {@link SeccompResult} line. Also the agent jar's {@code seccomp-proof} command.
 */
public final class SeccompProofMain {
    static final String NATIVE_DIR_OPTION = "--native-dir=";
    private static final long THREAD_TIMEOUT_MILLIS = 10_000;

    private SeccompProofMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Prints the answer line; 0 when there is one, 2 for bad arguments. */
    public static int run(String[] args, PrintStream out) {
        String nativeDir = null;
        List<Integer> ids = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith(NATIVE_DIR_OPTION)) {
                nativeDir = a.substring(NATIVE_DIR_OPTION.length());
            } else if (a.matches("\\d{1,2}")) {
                ids.add(Integer.valueOf(a));
            } else {
                out.println(SeccompResult.failed("bad argument [" + a + "]").line());
                return 2;
            }
        }
        int[] clockIds = new int[ids.size()];
        for (int i = 0; i < clockIds.length; i++) {
            clockIds[i] = ids.get(i);
        }
        Probed<NativeAccess> na = NativeAccessLoader.lazy(nativeDir, null).get();
        SeccompResult result;
        try {
            result = new ThreadSeccompRunner(THREAD_TIMEOUT_MILLIS, na).run(clockIds);
        } catch (InterruptedException e) {
            result = SeccompResult.failed("interrupted");
        } catch (Throwable t) {
            result = SeccompResult.failed("probe failed: " + t);
        }
        out.println(result.line());
        out.flush();
        return 0;
    }
}
