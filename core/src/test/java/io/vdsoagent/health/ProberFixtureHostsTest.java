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
 * The real HostFactsReader over the sources' fixture hosts (sysfs/procfs trees without a vDSO
 * image): the prober completes, the clocksource hint answers what the kernel facts say, the advice
 * fits the host, and both reports render a host whose vDSO is unknown.
 */
class ProberFixtureHostsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "hpet    | SYSCALL | clocksource hpet, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource) | clocksource hpet has no vDSO support; no vDSO-capable clocksource is available on this host",
            "xen     | UNKNOWN | clocksource xen, clock_gettime path unknown for realtime, monotonic, monotonic_raw, boottime, tai; in vDSO for realtime_coarse, monotonic_coarse (clocksource) | no detector could decide",
            "arm64   | VDSO    | clocksource arch_sys_counter, clock_gettime in vDSO (clocksource) | ''",
            "acpi_pm | SYSCALL | clocksource acpi_pm, clock_gettime FALLS BACK to syscalls for realtime, monotonic, monotonic_raw, boottime, tai (clocksource) | clocksource acpi_pm has no vDSO support",
    })
    void fixtureHost(String host, Verdict monotonic, String headline, String advice) throws Exception {
        SystemRoot root = SystemRoot.at(Paths.get(getClass().getResource("/hosts/" + host).toURI()));
        ClockHealth h = Prober.builder()
                .root(root)
                .detectors(Collections.singleton(DetectorId.CLOCKSOURCE))
                .jvmClockPath(false)
                .build()
                .probe();
        assertEquals(monotonic, h.clock(ClockId.MONOTONIC).verdict());
        assertEquals(Verdict.VDSO, h.clock(ClockId.MONOTONIC_COARSE).verdict());
        assertEquals(headline, h.headline());
        assertTrue(h.clock(ClockId.MONOTONIC).remediation().startsWith(advice), h.clock(ClockId.MONOTONIC).remediation());
        assertFalse(h.host().vdso().known(), "fixture hosts carry no vDSO image");
        assertTrue(JsonReport.toJson(h, true, Collections.<String, String>emptyMap()).contains("\"vdso\":{\"unknown\":"));
        assertTrue(TextReport.render(h, true).startsWith(headline));
    }
}
