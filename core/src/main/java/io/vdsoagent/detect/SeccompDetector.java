package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.LibC;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic detector. On a fresh, short-lived thread it installs a seccomp filter that
 * refuses {@code clock_gettime(*, buffer)} with an unusual errno, then calls libc
 * {@code clock_gettime(clock, buffer)} once per clock: success means the vDSO answered without
 * entering the kernel; the marker errno means the call reached the kernel.
 *
 * <p>The filter and no_new_privs are permanent for that thread and inherited by anything it
 * starts, so the thread starts nothing, calls nothing else after installing, and ends.
 * Other threads are never filtered (no SECCOMP_FILTER_FLAG_TSYNC).
 */
public final class SeccompDetector implements Detector {

    /** Returned by the filter; unlikely to come from anywhere else (must stay <= 4095). */
    static final int ERRNO_MARKER = 3333;
    static final String THREAD_NAME = "vdso-agent-seccomp-probe";

    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int MONOTONIC = 1;

    private static final Object BUFFERS_LOCK = new Object();
    private static long timespecBuffer;
    private static long fprogBuffer;

    private final long timeoutMillis;

    public SeccompDetector(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public String name() {
        return DetectorId.SECCOMP.label();
    }

    @Override
    public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        Probed<NativeAccess> na = NativeAccess.get();
        if (!na.known()) {
            return allUnknown(clocks, NativeAccess.unavailableReason(), false);
        }
        try {
            // One probe run at a time: they share the buffers and there is no point in racing.
            synchronized (BUFFERS_LOCK) {
                return probe(na.get(), clocks);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller asked to stop: keep its flag
            return allUnknown(clocks, "interrupted while waiting for the probe thread", true);
        } catch (Throwable t) {
            return allUnknown(clocks, "probe failed: " + t, true);
        }
    }

    private List<Finding> probe(NativeAccess na, List<ClockId> clocks) throws InterruptedException {
        if (timespecBuffer == 0) {
            timespecBuffer = na.allocateForever(16);
            long program = na.allocateForever(SeccompFilter.INSTRUCTIONS * 8);
            na.write(program, SeccompFilter.program(na.arch(), timespecBuffer, ERRNO_MARKER));
            fprogBuffer = na.allocateForever(16);
            na.write(fprogBuffer, SeccompFilter.fprog(program));
        }
        ProbeRun run = new ProbeRun(na, clocks, timespecBuffer, fprogBuffer);
        Thread t = new Thread(run, THREAD_NAME);
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
        t.join(timeoutMillis);
        if (t.isAlive() || !run.finished) {
            return allUnknown(clocks, "probe thread did not finish within " + timeoutMillis + " ms", true);
        }
        if (run.prctlFailed) {
            return allUnknown(clocks, "prctl(PR_SET_NO_NEW_PRIVS) refused: errno " + run.prctlErrno, true);
        }
        if (run.seccompFailed) {
            return allUnknown(clocks, "seccomp refused: errno " + run.seccompErrno, true);
        }
        List<Finding> out = new ArrayList<>(clocks.size());
        for (int i = 0; i < clocks.size(); i++) {
            out.add(interpret(clocks.get(i), run.rc[i], run.errno[i]));
        }
        return out;
    }

    static Finding interpret(ClockId clock, int rc, int errno) {
        if (rc == 0) {
            return Finding.of(DetectorId.SECCOMP.label(), clock, Verdict.VDSO,
                    "clock_gettime returned without entering the kernel (filter not hit)");
        }
        if (rc == -1 && errno == ERRNO_MARKER) {
            return Finding.of(DetectorId.SECCOMP.label(), clock, Verdict.SYSCALL,
                    "clock_gettime reached the kernel (filter hit, errno " + ERRNO_MARKER + ")");
        }
        return Finding.failed(DetectorId.SECCOMP.label(), clock, "unexpected result: rc " + rc + ", errno " + errno);
    }

    private static List<Finding> allUnknown(List<ClockId> clocks, String why, boolean error) {
        List<Finding> out = new ArrayList<>(clocks.size());
        for (ClockId c : clocks) {
            out.add(error ? Finding.failed(DetectorId.SECCOMP.label(), c, why)
                    : Finding.of(DetectorId.SECCOMP.label(), c, Verdict.UNKNOWN, why));
        }
        return out;
    }

    /** The body of the filtered thread: only primitive work after the filter is installed. */
    private static final class ProbeRun implements Runnable {
        private final NativeAccess na;
        private final LibC libc;
        private final int[] clockIds;
        private final long buffer;
        private final long fprog;
        final int[] rc;
        final int[] errno;
        volatile boolean prctlFailed;
        volatile int prctlErrno;
        volatile boolean seccompFailed;
        volatile int seccompErrno;
        volatile boolean finished;

        ProbeRun(NativeAccess na, List<ClockId> clocks, long buffer, long fprog) {
            this.na = na;
            this.libc = na.libc();
            this.clockIds = new int[clocks.size()];
            for (int i = 0; i < clockIds.length; i++) {
                clockIds[i] = clocks.get(i).linuxId();
            }
            this.buffer = buffer;
            this.fprog = fprog;
            this.rc = new int[clockIds.length];
            this.errno = new int[clockIds.length];
        }

        @Override
        public void run() {
            // Warm-up: link every stub this thread will use while it is still unfiltered.
            libc.clock_gettime(MONOTONIC, buffer);
            na.lastError();
            libc.syscall3(na.arch().clockGettimeNr(), MONOTONIC, buffer, 0);
            na.lastError();
            // The last call that is not part of the probe: nothing but the probe after the filter.
            ProbeThreads.recordCurrentThread();

            if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                prctlErrno = na.lastError();
                prctlFailed = true;
                finished = true;
                return;
            }
            if (libc.syscall3(na.arch().seccompNr(), SECCOMP_SET_MODE_FILTER, 0, fprog) != 0) {
                seccompErrno = na.lastError();
                seccompFailed = true;
                finished = true;
                return;
            }
            for (int i = 0; i < clockIds.length; i++) {
                rc[i] = libc.clock_gettime(clockIds[i], buffer);
                errno[i] = rc[i] == 0 ? 0 : na.lastError();
            }
            finished = true;
        }
    }
}
