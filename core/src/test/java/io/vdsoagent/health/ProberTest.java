package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Detector;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.util.List;
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
