package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import io.vdsoagent.testing.SysfsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClockHealthMonitorTest {

    @Test
    void aClocksourceSwitchIsCountedReprobedAndAnnounced(@TempDir Path root) throws Exception {
        ClocksourceReader reader = new ClocksourceReader(SysfsFixture.clocksource(root, "tsc", "tsc hpet"));
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc", "hpet"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.MONOTONIC);
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host, seccomp), reader);
        final List<String> events = new ArrayList<>();
        monitor.addListener((before, after, changed) -> events.add(
                before.clock(ClockId.MONOTONIC).verdict().label() + "->" + after.clock(ClockId.MONOTONIC).verdict().label()
                        + " changed=" + changed));
        assertEquals(1, seccomp.runs);

        assertFalse(monitor.pollClocksource(), "nothing changed yet");
        assertEquals(1, seccomp.runs, "an unchanged clocksource must not reprobe");

        // What the kernel does when it marks tsc unstable: current_clocksource becomes hpet.
        SysfsFixture.clocksource(root, "hpet", "tsc hpet");
        host.set(Fixtures.host("hpet", "tsc", "hpet"));
        seccomp.set(Verdict.SYSCALL, ClockId.MONOTONIC);
        assertTrue(monitor.pollClocksource());
        assertEquals(1, monitor.clocksourceChanges());
        assertEquals(2, seccomp.runs);
        assertEquals(Verdict.SYSCALL, monitor.current().clock(ClockId.MONOTONIC).verdict());
        assertEquals("hpet", monitor.current().host().clocksource().get().current());

        assertFalse(monitor.pollClocksource(), "the switch is reported once");
        assertEquals(1, monitor.clocksourceChanges());

        // Unreadable sysfs is not a change.
        Files.delete(root.resolve("sys/devices/system/clocksource/clocksource0/current_clocksource"));
        assertFalse(monitor.pollClocksource());
        assertEquals(1, monitor.clocksourceChanges());

        List<String> expected = new ArrayList<>();
        expected.add("vdso->syscall changed=true");
        assertEquals(expected, events);
    }

    @Test
    void reprobeReplacesTheSnapshotAndTellsListenersNoClocksourceChanged() {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp");
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host, seccomp),
                () -> host.get().clocksource());
        ClockHealth first = monitor.current();
        final List<Boolean> changed = new ArrayList<>();
        monitor.addListener((before, after, c) -> {
            assertSame(first, before);
            changed.add(c);
        });
        monitor.addListener((before, after, c) -> {
            throw new IllegalStateException("a broken listener must not stop the others");
        });
        monitor.reprobe();
        assertEquals(1, changed.size());
        assertFalse(changed.get(0));
        assertEquals(0, monitor.clocksourceChanges());
        assertTrue(monitor.current() != first);
    }

    @Test
    void probeErrorsAccumulateAcrossRuns() {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp");
        ClockHealthMonitor monitor = new ClockHealthMonitor(Prober.builder()
                .hostFacts(() -> {
                    throw new IllegalStateException("unreadable");
                })
                .detectorInstances(java.util.Collections.<io.vdsoagent.detect.Detector>singletonList(seccomp))
                .jvmClockPath(false)
                .build(), () -> host.get().clocksource());
        monitor.reprobe();
        monitor.reprobe();
        assertEquals(3, monitor.probeErrors("vdso"));
        assertEquals(0, monitor.probeErrors("seccomp"));
    }
}
