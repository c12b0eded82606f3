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
}
