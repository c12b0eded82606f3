package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.base.Probed;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel log records as /dev/kmsg prints them (lines from real boots: x86 tsc/kvm, xen, an arm64 erratum guest). */
class KernelLogReaderTest {
    static final String LOG = String.join("\n",
            "5,0,0,-;Linux version 6.18.44 (builder@sandboxing) #1 SMP PREEMPT_DYNAMIC",
            "6,227,308932,-;clocksource: Switched to clocksource kvm-clock",
            " SUBSYSTEM=clocksource",
            "6,257,389545,-;clocksource: Switched to clocksource tsc",
            "4,900,5123456789,-;clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large:",
            "6,901,5123456999,-;clocksource: Switched to clocksource hpet",
            "4,902,5200000000,-;tsc: Marking TSC unstable due to clocksource watchdog",
            "6,40,120000,-;xen: VDSO_CLOCKMODE_PVCLOCK not supported",
            "6,12,0,-;arch_timer: Enabling global workaround for HiSilicon erratum 161010101",
            "6,13,1000,-;arch_timer: cp15 timer(s) running at 62.50MHz (virt).",
            "garbage without a prefix",
            "");

    @Test
    void findsTheLinesThatExplainAFallbackWithTheirTime() {
        List<KernelClockEvent> e = KernelLogReader.parse(LOG);
        List<String> got = new ArrayList<>();
        for (KernelClockEvent x : e) {
            got.add(x.kind() + "/" + x.subject());
        }
        assertEquals(List.of("clocksource_switch/kvm-clock", "clocksource_switch/tsc", "clocksource_unstable/tsc",
                "clocksource_switch/hpet", "clocksource_unstable/tsc", "xen_pvclock_no_vdso/xen",
                "arch_timer_workaround/HiSilicon erratum 161010101"), got);
        assertEquals(5123.456789, e.get(2).bootSeconds(), 1e-9);
        assertTrue(e.get(2).toString().startsWith("[5123.457 s] clocksource: timekeeping watchdog"), e.get(2).toString());
    }

    @Test
    void keepsOnlyTheNewestEventsOfAFlappingClocksource() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            b.append("6,").append(i).append(',').append(i * 1_000_000L).append(",-;clocksource: Switched to clocksource ")
                    .append(i % 2 == 0 ? "hpet" : "tsc").append('\n');
        }
        List<KernelClockEvent> e = KernelLogReader.parse(b.toString());
        assertEquals(KernelLogReader.MAX_EVENTS, e.size());
        assertEquals(499.0, e.get(e.size() - 1).bootSeconds(), 0);
    }

    @Test
    void aFixtureRootReadsAFileAndAMissingOneIsUnknownWithTheReason(@TempDir Path root) throws Exception {
        Probed<List<KernelClockEvent>> none = new KernelLogReader(SystemRoot.at(root)).read();
        assertFalse(none.known());
        assertTrue(none.reason().contains("kmsg"), none.reason());
        Files.createDirectories(root.resolve("dev"));
        Files.write(root.resolve("dev/kmsg"), LOG.getBytes(StandardCharsets.UTF_8));
        assertEquals(7, new KernelLogReader(SystemRoot.at(root)).read().get().size());
    }

    /**
     * The live device blocks at its end when read normally; ours must return. Ground truth: util-linux
     * dmesg's own count of "Switched to clocksource" lines (the ring may gain lines in between: at least).
     */
    @Test
    void theLiveKernelLogIsReadWithoutBlockingAndAgreesWithDmesg() throws Exception {
        Probed<List<KernelClockEvent>> live = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> new KernelLogReader(SystemRoot.live()).read());
        if (!live.known()) {
            assertTrue(live.reason().contains("/dev/kmsg"), live.reason());
            return; // a container without the kernel log: unknown, with the reason, is the right answer
        }
        File dmesg = new File("/usr/bin/dmesg").canExecute() ? new File("/usr/bin/dmesg") : new File("/bin/dmesg");
        assumeTrue(dmesg.canExecute(), "util-linux dmesg for the ground truth");
        Process p = new ProcessBuilder(dmesg.getPath(), "--raw").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assumeTrue(p.exitValue() == 0, "dmesg could not read the log: " + out);
        long dmesgSwitches = out.lines().filter(l -> l.contains("Switched to clocksource")).count();
        long ours = live.get().stream().filter(e -> e.kind().equals(KernelClockEvent.SWITCH)).count();
        assertTrue(ours >= Math.min(dmesgSwitches, KernelLogReader.MAX_EVENTS) || live.get().size() == KernelLogReader.MAX_EVENTS,
                "dmesg counts " + dmesgSwitches + " switch lines, we found " + live.get());
    }
}
