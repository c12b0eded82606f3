package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.publish.JsonReport;
import io.vdsoagent.publish.TextReport;
import io.vdsoagent.source.SystemRoot;
import java.nio.file.Paths;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real HostFactsReader and kernel log reader over fixture hosts (sysfs/procfs trees, some with a
 * dev/kmsg of records as real kernels print them, none with a vDSO image): the prober completes, the
 * clocksource hint answers what the kernel facts say, and the advice fits the host: another clocksource
 * only when one here can be read by the vDSO, with its caveat, and the kernel's own line where it exists.
 */
class ProberFixtureHostsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "hpet    | SYSCALL | clocksource hpet, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource hint) "
                    + "| a hint, not proof (clocksource, low confidence): clocksource hpet has no vDSO support ~ kernel log: unknown, because cannot read ~ no faster clocksource exists on this machine (available: hpet acpi_pm)",
            "xen     | UNKNOWN | clocksource xen, clock_gettime path unknown for realtime, monotonic, monotonic_raw, boottime, tai; in vDSO for realtime_coarse, monotonic_coarse (clocksource hint) "
                    + "| no detector could decide",
            "arm64   | VDSO    | clocksource arch_sys_counter, clock_gettime in vDSO (clocksource hint) | ''",
            "acpi_pm | SYSCALL | clocksource acpi_pm, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource hint) "
                    + "| clocksource acpi_pm has no vDSO support ~ no faster clocksource exists on this machine (available: acpi_pm)",
            // The aarch64 guest of the issue: the name says vDSO, the kernel's workaround line says otherwise.
            "arm64-erratum | SYSCALL | clocksource arch_sys_counter, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource hint) "
                    + "| clocksource arch_sys_counter falls back while an arch timer erratum workaround is active"
                    + " ~ kernel log: [0.000 s] arch_timer: Enabling global workaround for HiSilicon erratum 161010101"
                    + " ~ no faster clocksource exists on this machine (available: arch_sys_counter)",
            // tsc was marked unstable at runtime: tsc is offered, but the advice says it will not hold.
            "tsc-unstable | SYSCALL | clocksource hpet, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource hint) "
                    + "| clocksource hpet has no vDSO support"
                    + " ~ kernel log: [86523.457 s] clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large:, [86523.457 s] clocksource: Switched to clocksource hpet"
                    + " ~ tsc is available and read by the vDSO: boot with clocksource=tsc ~ caveat: only if the TSC is stable"
                    + " ~ this kernel already marked tsc unstable [86523.457 s]",
            // xen without pvclock vDSO support: the kernel said so; tsc is offered with its caveat.
            "xen-nopv | SYSCALL | clocksource xen, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource hint) "
                    + "| clocksource xen is served by the vDSO only with a stable pvclock ~ kernel log: [0.120 s] xen: VDSO_CLOCKMODE_PVCLOCK not supported"
                    + " ~ tsc is available and read by the vDSO ~ a VM's TSC can jump on live migration",
    })
    void fixtureHost(String host, Verdict monotonic, String headline, String advice) throws Exception {
        SystemRoot root = SystemRoot.at(Paths.get(getClass().getResource("/hosts/" + host).toURI()));
        ClockHealth h = Prober.builder()
                .root(root)
                .detectors(Collections.singleton(DetectorId.CLOCKSOURCE))
                .jvmClockPath(false)
                .build()
                .probe();
        assertEquals(monotonic, h.clock(ClockId.MONOTONIC).verdict(), h.clock(ClockId.MONOTONIC).findings().toString());
        assertEquals(Verdict.VDSO, h.clock(ClockId.MONOTONIC_COARSE).verdict());
        assertEquals(headline, h.headline());
        String remediation = h.clock(ClockId.MONOTONIC).remediation();
        for (String part : advice.split(" ~ ")) {
            assertTrue(remediation.contains(part), "expected [" + part + "] in\n" + remediation);
        }
        assertFalse(h.host().vdso().known(), "fixture hosts carry no vDSO image");
        String json = JsonReport.toJson(h, true, Collections.<String, String>emptyMap());
        assertTrue(json.contains("\"vdso\":{\"unknown\":"), json);
        assertTrue(json.contains("\"kernelLog\":{"), json);
        assertTrue(TextReport.render(h, true).startsWith(headline));
        assertTrue(TextReport.render(h, true).contains("kernel log: "));
    }
}
