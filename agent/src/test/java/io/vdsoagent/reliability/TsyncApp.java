package io.vdsoagent.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An application that sandboxes itself the way Elasticsearch and OpenSearch do at boot: it installs a
 * (permissive) seccomp filter on all its threads with {@code SECCOMP_FILTER_FLAG_TSYNC}, here in a loop
 * from its first instant on, through a tiny JNI library the test compiles with gcc ({@link #SOURCE}).
 * The kernel answers TSYNC with the id of any thread whose filter is not an ancestor of the caller's: a
 * "conflict", which those applications treat as fatal.
 *
 * <p>Args: library path, minimum ms, minimum calls, maximum calls. The loop ends after both minimums
 * and once the agent's start-up thread ({@code vdso-agent}, which runs the first probe) has ended, or at
 * the maximum, or when the kernel has no memory left for more filters (ENOMEM: each filter stays on
 * every thread; the kernel also caps a thread's filters at 32,768 instructions, 5 per filter here).
 * Prints one {@value #SUMMARY} line on stdout.
 */
public final class TsyncApp {
    static final String SUMMARY = "tsync:";
    static final String LIBRARY = "tsyncapp";
    private static final int ENOMEM = 12;

    /** No header needed: jlong is a 64-bit long on the LP64 Linux targets the agent runs on. */
    static final String SOURCE = String.join("\n",
            "#include <errno.h>",
            "#include <stddef.h>",
            "#include <linux/filter.h>",
            "#include <linux/seccomp.h>",
            "#include <sys/prctl.h>",
            "#include <sys/syscall.h>",
            "#include <unistd.h>",
            "__attribute__((visibility(\"default\")))",
            "long Java_io_vdsoagent_reliability_TsyncApp_tsync(void *env, void *cls) {",
            "    struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };",
            "    struct sock_fprog prog = { 1, allow };",
            "    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -100000 - errno;",
            "    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);",
            "    return r < 0 ? -errno : r;",
            "}",
            "");

    /** 0: installed on every thread; &gt; 0: the id of a thread that blocked it; &lt; 0: -errno. */
    static native long tsync();

    private TsyncApp() {
    }

    public static void main(String[] args) throws Exception {
        System.load(args[0]);
        long minMillis = Long.parseLong(args[1]);
        int minCalls = Integer.parseInt(args[2]);
        int maxCalls = Integer.parseInt(args[3]);
        boolean startupSeen = startupThreadAlive();
        long t0 = System.nanoTime();
        int calls = 0;
        int ok = 0;
        int conflicts = 0;
        int errors = 0;
        long firstError = 0;
        Set<String> blockers = new TreeSet<>();
        while (calls < maxCalls) {
            long r = tsync();
            calls++;
            if (r == 0) {
                ok++;
            } else if (r > 0) {
                conflicts++;
                blockers.add(comm(r));
            } else if (r == -ENOMEM) {
                calls--; // the kernel's memory for filters ran out (~3,600 here): a host limit, not a call
                break;
            } else {
                errors++;
                firstError = firstError == 0 ? r : firstError;
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (elapsed >= minMillis && calls >= minCalls && !startupThreadAlive()) {
                break;
            }
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println(SUMMARY + " calls=" + calls + " ok=" + ok + " conflicts=" + conflicts + " errors=" + errors
                + " first-error=" + firstError + " startup-overlapped=" + startupSeen + " blockers=" + blockers
                + " millis=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static boolean startupThreadAlive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("vdso-agent".equals(t.getName())) {
                return true;
            }
        }
        return false;
    }

    private static String comm(long tid) {
        try {
            return new String(Files.readAllBytes(Paths.get("/proc/self/task/" + tid + "/comm")),
                    StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "tid " + tid + " (gone)";
        }
    }
}
