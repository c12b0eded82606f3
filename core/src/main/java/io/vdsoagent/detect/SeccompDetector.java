package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic detector. Under a seccomp filter that refuses {@code clock_gettime(*, buffer)}
 * with an unusual errno, libc {@code clock_gettime(clock, buffer)} is called once per clock: success
 * means the vDSO answered without entering the kernel; the marker errno means the call reached the
 * kernel. Where the filtered calls run is the {@link SeccompRunner}'s job: in the agent, a short-lived
 * process of its own ({@link ProcessSeccompRunner}), so the application's threads never share a thread
 * group with a filter of ours.
 */
public final class SeccompDetector implements Detector {

    /** Returned by the filter; unlikely to come from anywhere else (must stay <= 4095). */
    static final int ERRNO_MARKER = 3333;
    static final String THREAD_NAME = ThreadSeccompRunner.THREAD_NAME;

    private final SeccompRunner runner;
    /** Where the runtime is gVisor: see {@link #SeccompDetector(SeccompRunner, SeccompRunner)}. */
    private final SeccompRunner inGvisor;

    /** On a thread of this process ({@link ThreadSeccompRunner}): the CLI, the proof process, tests. */
    public SeccompDetector(long timeoutMillis) {
        this(new ThreadSeccompRunner(timeoutMillis));
    }

    public SeccompDetector(SeccompRunner runner) {
        this(runner, runner);
    }

    /**
     * @param runner where the proof runs (the agent: a process of its own, so an application's TSYNC cannot
     *     collide with a filtered thread of ours)
     * @param inGvisor where it runs when the host facts name the runtime gVisor: there a TSYNC never collides
     *     (gVisor copies the caller's filters onto every thread of the group instead of failing with the id of
     *     a thread that has its own; measured on runsc 20221219, GvisorSandboxE2E checks it), so a thread of
     *     this process harms no one, and a proof process costs a whole JVM start in the sandbox (0.9-3 s of
     *     its CPU, BENCHMARKS.md). The thread's control call catches a filter replaced under it.
     */
    public SeccompDetector(SeccompRunner runner, SeccompRunner inGvisor) {
        this.runner = runner;
        this.inGvisor = inGvisor;
    }

    @Override
    public String name() {
        return DetectorId.SECCOMP.label();
    }

    @Override
    public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        int[] ids = new int[clocks.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = clocks.get(i).linuxId();
        }
        SeccompResult result;
        try {
            result = runnerFor(host).run(ids);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller asked to stop: keep its flag
            return allUnknown(clocks, "interrupted while waiting for the probe", true);
        } catch (Throwable t) {
            return allUnknown(clocks, "probe failed: " + t, true);
        }
        if (result.failure() != null) {
            if (result.nativeUnavailable()) {
                List<Finding> out = new ArrayList<>(clocks.size());
                for (ClockId c : clocks) {
                    out.add(Finding.nativeUnavailable(DetectorId.SECCOMP.label(), c, result.failure()));
                }
                return out;
            }
            return allUnknown(clocks, result.failure(), result.error());
        }
        if (result.clocks() != clocks.size()) {
            return allUnknown(clocks, "probe answered for " + result.clocks() + " clocks, not " + clocks.size(), true);
        }
        List<Finding> out = new ArrayList<>(clocks.size());
        for (int i = 0; i < clocks.size(); i++) {
            out.add(interpret(clocks.get(i), result.rc(i), result.errno(i)));
        }
        return out;
    }

    /** The gVisor runner only where the host facts say gVisor; an unknown runtime keeps the safe one. */
    SeccompRunner runnerFor(HostFacts host) {
        if (host == null) {
            return runner;
        }
        Probed<KernelRuntime> runtime = host.kernel().runtime();
        return runtime.known() && runtime.get() == KernelRuntime.GVISOR ? inGvisor : runner;
    }

    static Finding interpret(ClockId clock, int rc, int errno) {
        if (rc == 0) {
            return Finding.of(DetectorId.SECCOMP, clock, Verdict.VDSO,
                    "clock_gettime returned without entering the kernel (filter not hit)");
        }
        if (rc == -1 && errno == ERRNO_MARKER) {
            return Finding.of(DetectorId.SECCOMP, clock, Verdict.SYSCALL,
                    "clock_gettime reached the kernel (filter hit, errno " + ERRNO_MARKER + ")");
        }
        return Finding.failed(DetectorId.SECCOMP, clock, "unexpected result: rc " + rc + ", errno " + errno);
    }

    private static List<Finding> allUnknown(List<ClockId> clocks, String why, boolean error) {
        List<Finding> out = new ArrayList<>(clocks.size());
        for (ClockId c : clocks) {
            out.add(error ? Finding.failed(DetectorId.SECCOMP, c, why)
                    : Finding.of(DetectorId.SECCOMP, c, Verdict.UNKNOWN, why));
        }
        return out;
    }
}
