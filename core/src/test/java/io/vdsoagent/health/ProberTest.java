package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Detector;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProberTest {
    private final AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc", "hpet"));

    @Test
    void theHighestRankedDetectorThatAnsweredDecidesAndEveryFindingIsKept() {
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.REALTIME);
        ScriptedDetector rusage = new ScriptedDetector("rusage").set(Verdict.SYSCALL, ClockId.MONOTONIC);
        ScriptedDetector latency = new ScriptedDetector("latency")
                .set(Verdict.SYSCALL, ClockId.REALTIME).set(Verdict.VDSO, ClockId.MONOTONIC, ClockId.TAI);
        // Registered out of rank order on purpose: rank, not registration order, decides.
        ClockHealth h = Fixtures.prober(host, latency, seccomp, rusage).probe();

        ClockStatus realtime = h.clock(ClockId.REALTIME);
        assertEquals(Verdict.VDSO, realtime.verdict());
        assertEquals("seccomp", realtime.detector());
        assertEquals("seccomp", realtime.findings().get(0).detector());
        assertEquals(Verdict.SYSCALL, realtime.finding("latency").verdict());

        ClockStatus monotonic = h.clock(ClockId.MONOTONIC);
        assertEquals(Verdict.SYSCALL, monotonic.verdict());
        assertEquals("rusage", monotonic.detector());

        assertEquals("latency", h.clock(ClockId.TAI).detector());
        ClockStatus boottime = h.clock(ClockId.BOOTTIME);
        assertEquals(Verdict.UNKNOWN, boottime.verdict());
        assertNull(boottime.detector());
        assertTrue(boottime.remediation().startsWith("no detector could decide"), boottime.remediation());
        assertEquals(9, h.clocks().size());
    }

    /** gVisor's CLOCK_TAI: EINVAL is the kernel refusing the clock, not a fallback. */
    @Test
    void aClockTheKernelRefusesIsUnsupportedNeverAFallback() {
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.values())
                .set(Verdict.SYSCALL, ClockId.TAI, ClockId.PROCESS_CPUTIME_ID, ClockId.THREAD_CPUTIME_ID);
        List<ClockId> asked = new ArrayList<>();
        Detector recording = new Detector() {
            @Override
            public String name() {
                return "latency";
            }

            @Override
            public List<Finding> detect(HostFacts h, List<ClockId> clocks) {
                asked.addAll(clocks);
                return seccomp.detect(h, clocks);
            }
        };
        ClockHealth h = Prober.builder()
                .hostFacts(host::get)
                .detectorInstances(Arrays.<Detector>asList(seccomp, recording))
                .jvmClockPath(false)
                .clockSupport(() -> Probed.<Set<ClockId>>of(EnumSet.of(ClockId.TAI)))
                .build()
                .probe();
        ClockStatus tai = h.clock(ClockId.TAI);
        assertEquals(Verdict.UNSUPPORTED, tai.verdict());
        assertEquals("kernel", tai.detector());
        assertEquals("", tai.remediation(), "nothing to remedy");
        assertEquals(1, tai.findings().size(), "no detector was asked about it");
        assertFalse(asked.contains(ClockId.TAI), asked.toString());
        assertEquals(8, asked.size());
        assertEquals("clocksource tsc, clock_gettime in vDSO (seccomp); refused by this kernel (EINVAL): tai", h.headline());
    }

    /** A detector that answers syscall for the vDSO clocks on its first run only (gVisor's calibration). */
    private static Detector transientSeccomp(final List<List<ClockId>> asked) {
        return new Detector() {
            @Override
            public String name() {
                return "seccomp";
            }

            @Override
            public List<Finding> detect(HostFacts h, List<ClockId> clocks) {
                asked.add(new ArrayList<>(clocks));
                List<Finding> out = new ArrayList<>();
                for (ClockId c : clocks) {
                    Verdict v = c.isCpuTime() || asked.size() == 1 ? Verdict.SYSCALL : Verdict.VDSO;
                    out.add(Finding.of("seccomp", c, v, "run " + asked.size()));
                }
                return out;
            }
        };
    }

    private Prober youngProber(Detector d, double uptime, List<Long> slept) {
        return Prober.builder()
                .hostFacts(host::get)
                .detectorInstances(Arrays.asList(d))
                .jvmClockPath(false)
                .uptime(() -> Probed.of(uptime))
                .sleeper(slept::add)
                .build();
    }

    @Test
    void aFallbackSeenInAYoungSandboxIsConfirmedByALaterProbeBeforeItIsPublished() {
        List<List<ClockId>> asked = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        ClockHealth h = youngProber(transientSeccomp(asked), 0.3, slept).probe();
        assertEquals(Arrays.asList(1700L), slept, "the confirming probe runs at kernel uptime 2 s");
        assertEquals(2, asked.size());
        assertFalse(asked.get(1).contains(ClockId.PROCESS_CPUTIME_ID), "CPU-time clocks always make the syscall");
        assertEquals(7, asked.get(1).size());
        for (ClockStatus s : h.clocks()) {
            assertEquals(s.clock().isCpuTime() ? Verdict.SYSCALL : Verdict.VDSO, s.verdict(), s.toString());
        }
        assertTrue(h.clock(ClockId.MONOTONIC).findings().get(0).detail()
                .startsWith("run 2 (a probe 1700 ms earlier saw syscall: transient"), h.clock(ClockId.MONOTONIC).findings().toString());
        assertEquals("clocksource tsc, clock_gettime in vDSO (seccomp)", h.headline());
    }

    @Test
    void aLastingFallbackInAYoungKernelIsPublishedOnceConfirmed() {
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.SYSCALL, ClockId.values());
        List<Long> slept = new ArrayList<>();
        ClockHealth h = youngProber(seccomp, 1.9, slept).probe();
        assertEquals(Arrays.asList(Prober.CONFIRM_MIN_GAP_MILLIS), slept);
        assertEquals(2, seccomp.runs);
        assertEquals(Verdict.SYSCALL, h.clock(ClockId.REALTIME).verdict());
        assertTrue(h.clock(ClockId.REALTIME).findings().get(0).detail().contains("confirmed by a second probe 500 ms later"),
                h.clock(ClockId.REALTIME).findings().toString());
    }

    @Test
    void anOldKernelOrOnlyCpuTimeSyscallsNeedNoSecondProbe() {
        ScriptedDetector fallback = new ScriptedDetector("seccomp").set(Verdict.SYSCALL, ClockId.values());
        List<Long> slept = new ArrayList<>();
        youngProber(fallback, 3600, slept).probe();
        assertEquals(1, fallback.runs);
        ScriptedDetector healthy = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.values())
                .set(Verdict.SYSCALL, ClockId.PROCESS_CPUTIME_ID, ClockId.THREAD_CPUTIME_ID);
        youngProber(healthy, 0.1, slept).probe();
        assertEquals(1, healthy.runs);
        assertTrue(slept.isEmpty(), slept.toString());
    }

    @Test
    void rusageOnlyLoopsTheClocksSeccompLeftUndecided() {
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.values());
        ScriptedDetector rusage = new ScriptedDetector("rusage");
        Fixtures.prober(host, seccomp, rusage).probe();
        assertEquals(0, rusage.runs);

        ScriptedDetector partial = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.REALTIME);
        ClockHealth h = Fixtures.prober(host, partial, rusage).probe();
        assertEquals(1, rusage.runs);
        assertNull(h.clock(ClockId.REALTIME).finding("rusage"));
        assertEquals(Verdict.UNKNOWN, h.clock(ClockId.MONOTONIC).finding("rusage").verdict());
    }

    @Test
    void aThrowingDetectorBecomesUnknownFindingsAndAProbeError() {
        Detector broken = new Detector() {
            @Override
            public String name() {
                return "seccomp";
            }

            @Override
            public List<Finding> detect(HostFacts h, List<ClockId> clocks) {
                throw new IllegalStateException("boom");
            }
        };
        ScriptedDetector clocksource = new ScriptedDetector("clocksource").set(Verdict.VDSO, ClockId.MONOTONIC);
        ClockHealth h = Fixtures.prober(host, broken, clocksource).probe();
        Finding f = h.clock(ClockId.MONOTONIC).finding("seccomp");
        assertTrue(f.error());
        assertTrue(f.detail().contains("boom"), f.detail());
        assertEquals("clocksource", h.clock(ClockId.MONOTONIC).detector());
        assertEquals(Integer.valueOf(1), h.probeErrors().get("seccomp"));
    }

    /** A failed proof (a process that could not start, no memory room) is tried again at the next probe. */
    @Test
    void aFailedProofIsTriedAgainAtTheNextProbe() {
        final int[] runs = {0};
        Detector failing = new Detector() {
            @Override
            public String name() {
                return "seccomp";
            }

            @Override
            public List<Finding> detect(HostFacts h, List<ClockId> clocks) {
                runs[0]++;
                List<Finding> out = new java.util.ArrayList<>();
                for (ClockId c : clocks) {
                    out.add(Finding.failed("seccomp", c, "cannot start the proof process"));
                }
                return out;
            }
        };
        Prober prober = Fixtures.prober(host, failing);
        prober.probe();
        prober.probe();
        assertEquals(2, runs[0]);
    }

    @Test
    void aThrowingHostReaderLeavesEveryFactUnknownButStillProbes() {
        ClockHealth h = io.vdsoagent.health.Prober.builder()
                .hostFacts(() -> {
                    throw new IllegalStateException("no /proc");
                })
                .detectorInstances(java.util.Collections.<Detector>singletonList(
                        new ScriptedDetector("seccomp").set(Verdict.SYSCALL, ClockId.MONOTONIC)))
                .jvmClockPath(false)
                .build()
                .probe();
        assertTrue(h.host().vdso().reason().contains("no /proc"));
        assertEquals(Verdict.SYSCALL, h.clock(ClockId.MONOTONIC).verdict());
        assertTrue(h.headline().startsWith("clocksource unknown, clock_gettime FALLS BACK"), h.headline());
        assertEquals(Integer.valueOf(1), h.probeErrors().get("vdso"));
    }

    @Test
    void remediationNamesTheBetterClocksource() {
        host.set(Fixtures.host("hpet", "hpet", "acpi_pm", "tsc"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp")
                .set(Verdict.SYSCALL, ClockId.MONOTONIC, ClockId.REALTIME, ClockId.PROCESS_CPUTIME_ID)
                .set(Verdict.VDSO, ClockId.MONOTONIC_COARSE);
        ClockHealth h = Fixtures.prober(host, seccomp).probe();
        String advice = h.clock(ClockId.MONOTONIC).remediation();
        assertTrue(advice.startsWith("clocksource hpet has no vDSO support; kernel log: unknown, because "), advice);
        assertTrue(advice.contains("; tsc is available and read by the vDSO: boot with clocksource=tsc"), advice);
        assertTrue(advice.contains("; caveat: only if the TSC is stable"), advice);
        assertEquals("always a syscall on Linux; expected", h.clock(ClockId.PROCESS_CPUTIME_ID).remediation());
        assertEquals("", h.clock(ClockId.MONOTONIC_COARSE).remediation());
        assertEquals("clocksource hpet, clock_gettime FALLS BACK to syscalls for realtime, monotonic (seccomp); "
                + "unknown for monotonic_raw, realtime_coarse, boottime, tai", h.headline());
    }

    @Test
    void headlineForAHealthyHostLeavesTheCpuTimeClocksOut() {
        ScriptedDetector seccomp = new ScriptedDetector("seccomp")
                .set(Verdict.VDSO, ClockId.values())
                .set(Verdict.SYSCALL, ClockId.PROCESS_CPUTIME_ID, ClockId.THREAD_CPUTIME_ID);
        assertEquals("clocksource tsc, clock_gettime in vDSO (seccomp)", Fixtures.prober(host, seccomp).probe().headline());
    }

    @Test
    void xenRemediationPointsAtThePvclock() {
        host.set(Fixtures.host("xen", "xen", "tsc", "hpet"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.SYSCALL, ClockId.MONOTONIC);
        String r = Fixtures.prober(host, seccomp).probe().clock(ClockId.MONOTONIC).remediation();
        assertTrue(r.contains("pvclock") && r.contains("clocksource=tsc"), r);
    }

    @Test
    void timingsAndTheProofRunAtStartAndOnAClocksourceChange() {
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.MONOTONIC);
        ScriptedDetector latency = new ScriptedDetector("latency").set(Verdict.VDSO, ClockId.MONOTONIC);
        Prober prober = Fixtures.prober(host, seccomp, latency);
        ClockHealth first = prober.probe();
        ClockHealth second = prober.probe();
        assertEquals(1, seccomp.runs, "the proof only moves with the clocksource (a process of its own in the agent): reused");
        assertEquals(1, latency.runs, "timings only move with the clocksource: reused");
        assertEquals(first.clock(ClockId.MONOTONIC).vdsoNanos(), second.clock(ClockId.MONOTONIC).vdsoNanos());
        assertEquals(2, second.clock(ClockId.MONOTONIC).findings().size(), "the reused finding is still reported");

        host.set(Fixtures.host("hpet", "tsc", "hpet"));
        prober.probe();
        assertEquals(2, seccomp.runs, "a new clocksource is proved again");
        assertEquals(2, latency.runs, "a new clocksource is timed again");
        prober.probe();
        assertEquals(2, seccomp.runs);
        assertEquals(2, latency.runs);
    }
}
