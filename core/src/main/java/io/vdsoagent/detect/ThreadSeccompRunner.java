package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;

/**
 * Runs the proof on a fresh, short-lived thread of this process: it installs a per-thread filter (no
 * TSYNC) that refuses {@code clock_gettime(*, buffer)} with an unusual errno and calls libc
 * {@code clock_gettime(clock, buffer)} once per clock.
 *
 * <p>The filter and no_new_privs are permanent for that thread and inherited by anything it starts, so
 * the thread starts nothing, calls nothing else after installing, and ends. While it lives, another
 * thread's {@code seccomp(SECCOMP_FILTER_FLAG_TSYNC)} fails with this thread's id: use it only where no
 * application code runs (the proof process, the CLI), or where the application installs no filters.
 */
public final class ThreadSeccompRunner implements SeccompRunner {
    static final String THREAD_NAME = "vdso-agent-seccomp-probe";

    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int MONOTONIC = 1;

    private final long timeoutMillis;
    private final Probed<NativeAccess> nativeAccess;
    /** Guards the buffers; one probe run at a time. */
    private final Object lock = new Object();
    /**
     * The timespec buffer whose address the filter matches, the BPF program and its sock_fprog. Owned
     * by this runner and also held by every probe run, so never freed while a probe thread (even one
     * that outlived its timeout) may still hand an address to the kernel.
     */
    private Buffers buffers;

    public ThreadSeccompRunner(long timeoutMillis) {
        this(timeoutMillis, NativeAccessLoader.shared());
    }

    public ThreadSeccompRunner(long timeoutMillis, Probed<NativeAccess> nativeAccess) {
        this.timeoutMillis = timeoutMillis;
        this.nativeAccess = nativeAccess;
    }

    @Override
    public SeccompResult run(int[] clockIds) throws InterruptedException {
        Probed<NativeAccess> na = nativeAccess;
        if (!na.known()) {
            return SeccompResult.unavailable(NativeAccessLoader.unavailable(na.reason()));
        }
        // One probe run at a time: they share the buffers and there is no point in racing.
        synchronized (lock) {
            return probe(na.get(), clockIds);
        }
    }

    private SeccompResult probe(NativeAccess na, int[] clockIds) throws InterruptedException {
        if (buffers == null) {
            buffers = new Buffers(na);
        }
        ProbeRun run = new ProbeRun(na, clockIds, buffers);
        Thread t = new Thread(run, THREAD_NAME);
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
        t.join(timeoutMillis);
        if (t.isAlive() || !run.finished) {
            return SeccompResult.failed("probe thread did not finish within " + timeoutMillis + " ms");
        }
        if (run.prctlFailed) {
            return SeccompResult.prctlRefused(run.prctlErrno);
        }
        if (run.seccompFailed) {
            return SeccompResult.seccompRefused(run.seccompErrno);
        }
        if (run.controlErrno != SeccompDetector.ERRNO_MARKER) {
            // Under gVisor another thread's TSYNC replaces this thread's filters (it does not fail as on Linux):
            // calls before the control may have gone unfiltered, so none of them is evidence.
            return SeccompResult.failed("the filter was gone by the end of the probe (control call: rc "
                    + run.controlRc + ", errno " + run.controlErrno + "); another thread's TSYNC may have replaced it");
        }
        return SeccompResult.of(run.rc, run.errno);
    }

    /** The three buffers of a filter, allocated once per runner. */
    private static final class Buffers {
        final NativeBuffer timespec;
        final NativeBuffer program;
        final NativeBuffer fprog;

        Buffers(NativeAccess na) {
            timespec = na.allocate(16);
            program = na.allocate(SeccompFilter.INSTRUCTIONS * 8);
            program.write(SeccompFilter.program(na.arch(), timespec.address(), SeccompDetector.ERRNO_MARKER));
            fprog = na.allocate(16);
            fprog.write(SeccompFilter.fprog(program.address()));
        }
    }

    /** The body of the filtered thread: only primitive work after the filter is installed. */
    private static final class ProbeRun implements Runnable {
        private final NativeAccess na;
        /** Held, not just their addresses: reachable for as long as this thread may run. */
        private final Buffers buffers;
        private final int[] clockIds;
        private final long buffer;
        private final long fprog;
        final int[] rc;
        final int[] errno;
        volatile boolean prctlFailed;
        volatile int prctlErrno;
        volatile boolean seccompFailed;
        volatile int seccompErrno;
        /** The raw syscall after the probed calls, which the filter must refuse with the marker. */
        volatile int controlRc;
        volatile int controlErrno;
        volatile boolean finished;

        ProbeRun(NativeAccess na, int[] clockIds, Buffers buffers) {
            this.na = na;
            this.buffers = buffers;
            this.clockIds = clockIds.clone();
            this.buffer = buffers.timespec.address();
            this.fprog = buffers.fprog.address();
            this.rc = new int[clockIds.length];
            this.errno = new int[clockIds.length];
        }

        @Override
        public void run() {
            // Warm-up: link every stub this thread will use while it is still unfiltered.
            na.clockGettime(MONOTONIC, buffer);
            na.lastErrno();
            na.syscall3(na.arch().clockGettimeNr(), MONOTONIC, buffer, 0);
            na.lastErrno();
            // The last call that is not part of the probe: nothing but the probe after the filter.
            ProbeThreads.recordCurrentThread();

            if (na.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                prctlErrno = na.lastErrno();
                prctlFailed = true;
                finished = true;
                return;
            }
            if (na.syscall3(na.arch().seccompNr(), SECCOMP_SET_MODE_FILTER, 0, fprog) != 0) {
                seccompErrno = na.lastErrno();
                seccompFailed = true;
                finished = true;
                return;
            }
            for (int i = 0; i < clockIds.length; i++) {
                rc[i] = na.clockGettime(clockIds[i], buffer);
                errno[i] = rc[i] == 0 ? 0 : na.lastErrno();
            }
            // Positive control, last: a filter still in place now was in place for every call above.
            controlRc = (int) na.syscall3(na.arch().clockGettimeNr(), MONOTONIC, buffer, 0);
            controlErrno = controlRc == 0 ? 0 : na.lastErrno();
            finished = true;
        }
    }
}
