package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.base.Probed;
import io.vdsoagent.testing.SysfsFixture;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sysfs trees as the kernel shows them on real hosts, read through the real ClocksourceReader.
 * Expected verdicts are kernel facts (which clocksources have a vDSO clock mode), not our output.
 */
class ClocksourceDetectorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // current,            available,                         counter clocks
            "tsc,                  tsc hpet acpi_pm,                  VDSO",
            "hpet,                 hpet acpi_pm,                      SYSCALL",
            "acpi_pm,              acpi_pm,                           SYSCALL",
            "jiffies,              jiffies,                           SYSCALL",
            // xen: vDSO only with a stable pvclock from the hypervisor, which the name cannot tell
            "xen,                  xen tsc hpet acpi_pm,              UNKNOWN",
            "kvm-clock,            kvm-clock tsc hpet acpi_pm,        VDSO",
            // arm64 generic timer
            "arch_sys_counter,     arch_sys_counter,                  VDSO",
            "hyperv_clocksource_tsc_page, hyperv_clocksource_tsc_page hyperv_clocksource_msr, VDSO",
            "some_new_counter,     some_new_counter,                  UNKNOWN",
    })
    void counterClocksFollowTheClocksourceWhileCoarseAndCpuTimeClocksNever(String current, String available,
                                                                           Verdict counterClocks,
                                                                           @TempDir Path root) throws Exception {
        Probed<ClocksourceFacts> cs = new ClocksourceReader(SysfsFixture.clocksource(root, current, available)).read();
        assertTrue(cs.known(), cs.toString());
        List<ClockId> all = Arrays.asList(ClockId.values());
        List<Finding> findings = new ClocksourceDetector().detect(
                new io.vdsoagent.source.HostFacts(Probed.of("6.1"), Probed.of("x86_64"), Probed.unknown("n/a"),
                        cs, Probed.unknown("n/a"), Probed.unknown("n/a")), all);
        assertEquals(all.size(), findings.size());
        for (Finding f : findings) {
            Verdict expected = f.clock().isCoarse() ? Verdict.VDSO
                    : f.clock().isCpuTime() ? Verdict.SYSCALL : counterClocks;
            assertEquals(expected, f.verdict(), f.toString());
            assertEquals("clocksource", f.detector());
        }
    }

    @ParameterizedTest
    @CsvSource({"xen, pvclock", "kvm-clock, pvclock stable bit"})
    void pvclockSourcesSayWhatTheyDependOn(String current, String mention) {
        Finding f = ClocksourceDetector.judge(ClockId.MONOTONIC,
                Probed.of(new ClocksourceFacts(current, Arrays.asList(current))));
        assertTrue(f.detail().contains(mention), f.detail());
    }

    @ParameterizedTest
    @CsvSource({"MONOTONIC, UNKNOWN", "MONOTONIC_COARSE, VDSO", "THREAD_CPUTIME_ID, SYSCALL"})
    void anUnreadableClocksourceOnlyLeavesCounterClocksUnknown(ClockId clock, Verdict expected) {
        Finding f = ClocksourceDetector.judge(clock, Probed.<ClocksourceFacts>unknown("no /sys"));
        assertEquals(expected, f.verdict(), f.toString());
    }

    /** The kernel's own line overrules the name; without the log the hint says it could not look. */
    @org.junit.jupiter.api.Test
    void aKernelLogLineOverrulesTheNameAndItsAbsenceIsSaid() {
        Probed<ClocksourceFacts> arm = Probed.of(new ClocksourceFacts("arch_sys_counter", Arrays.asList("arch_sys_counter")));
        Probed<List<io.vdsoagent.source.KernelClockEvent>> workaround = Probed.of(Arrays.asList(
                new io.vdsoagent.source.KernelClockEvent(io.vdsoagent.source.KernelClockEvent.ARCH_TIMER_WORKAROUND,
                        "HiSilicon erratum 161010101", 0, "arch_timer: Enabling global workaround for HiSilicon erratum 161010101")));
        Finding off = ClocksourceDetector.judge(ClockId.MONOTONIC, arm, workaround);
        assertEquals(Verdict.SYSCALL, off.verdict(), off.toString());
        assertTrue(off.detail().contains("Enabling global workaround for HiSilicon erratum 161010101"), off.detail());
        assertEquals(Confidence.LOW, off.confidence());
        assertEquals(Verdict.VDSO, ClocksourceDetector.judge(ClockId.MONOTONIC_COARSE, arm, workaround).verdict(),
                "coarse clocks never read the counter");

        Finding clean = ClocksourceDetector.judge(ClockId.MONOTONIC, arm,
                Probed.of(java.util.Collections.<io.vdsoagent.source.KernelClockEvent>emptyList()));
        assertEquals(Verdict.VDSO, clean.verdict());
        assertTrue(clean.detail().endsWith("the kernel log has no such line"), clean.detail());

        Finding blind = ClocksourceDetector.judge(ClockId.MONOTONIC, arm, Probed.unknown("cannot open /dev/kmsg: errno 2"));
        assertEquals(Verdict.VDSO, blind.verdict());
        assertTrue(blind.detail().contains("unknown, because cannot open /dev/kmsg"), blind.detail());

        Probed<ClocksourceFacts> xen = Probed.of(new ClocksourceFacts("xen", Arrays.asList("xen", "tsc")));
        Finding xenOff = ClocksourceDetector.judge(ClockId.REALTIME, xen, Probed.of(Arrays.asList(
                new io.vdsoagent.source.KernelClockEvent(io.vdsoagent.source.KernelClockEvent.XEN_NO_VDSO, "xen", 0.12,
                        "xen: VDSO_CLOCKMODE_PVCLOCK not supported"))));
        assertEquals(Verdict.SYSCALL, xenOff.verdict(), xenOff.toString());
    }
}
