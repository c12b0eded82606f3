package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelRuntime;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JsonReportTest {
    private final ClockHealth health = Fixtures.prober(
            new AtomicReference<HostFacts>(Fixtures.host("hpet", "hpet", "tsc")),
            new ScriptedDetector("seccomp").set(Verdict.SYSCALL, ClockId.MONOTONIC)).probe();

    @Test
    void stringsAreEscapedPerRfc8259() {
        JsonWriter w = new JsonWriter().beginObject()
                .name("s").value("quote \" backslash \\ newline \n tab \t bell \u0007 sep \u2028 é")
                .name("nan").value(Double.NaN)
                .endObject();
        assertEquals("{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 sep \\u2028 é\",\"nan\":null}",
                w.toString());
    }

    @Test
    void theAddressAppearsOnlyWhenExposed() {
        String hidden = JsonReport.toJson(health, false, Collections.<String, String>emptyMap());
        String shown = JsonReport.toJson(health, true, Collections.<String, String>emptyMap());
        assertFalse(hidden.contains("\"base\""), hidden);
        assertFalse(hidden.contains("7ffd12345000"), hidden);
        assertTrue(shown.contains("\"base\":\"0x7ffd12345000\""), shown);
    }

    @Test
    void carriesVerdictsFindingsRemediationAndExtraFields() {
        String json = JsonReport.toJson(health, false, Collections.singletonMap("agent", "{\"version\":\"0.1\"}"));
        assertTrue(json.contains("{\"clock\":\"monotonic\",\"verdict\":\"syscall\",\"detector\":\"seccomp\","
                + "\"vdsoNanos\":21.0,\"syscallNanos\":301.0,\"findings\":[{\"detector\":\"seccomp\","
                + "\"verdict\":\"syscall\",\"confidence\":\"proof\",\"qualifier\":\"proof\",\"detail\":\"scripted syscall\",\"error\":false}],"
                + "\"remediation\":\"clocksource hpet has no vDSO support; kernel log: unknown, because not read: the host facts"
                + " were supplied; tsc is available and read by the vDSO: boot with clocksource=tsc"), json);
        assertTrue(json.contains("\"clocksource\":{\"current\":\"hpet\",\"available\":[\"hpet\",\"tsc\"]}"), json);
        assertTrue(json.contains("\"symbols\":[{\"name\":\"__vdso_clock_gettime\",\"version\":\"LINUX_2.6\"}"), json);
        assertTrue(json.contains("\"interposed\":{\"unknown\":\"the JVM clock path probe is disabled\"}"), json);
        assertTrue(json.endsWith(",\"agent\":{\"version\":\"0.1\"}}"), json);
    }

    @Test
    void kernelIdentityHasEachPartOrItsReason() {
        String json = JsonReport.toJson(health, false, Collections.<String, String>emptyMap());
        assertTrue(json.contains("\"kernel\":{\"bootId\":{\"unknown\":\"not probed\"},\"release\":\"6.18.0-test\","
                + "\"version\":{\"unknown\":\"not probed\"},\"arch\":\"x86_64\",\"runtime\":{\"unknown\":\"not probed\"}}"), json);
        HostFacts h = Fixtures.host("tsc", "tsc");
        HostFacts gvisor = new HostFacts(h.kernelRelease(), h.arch(), h.vdso(), h.clocksource(), h.vsyscall(), h.aslr(),
                Probed.<String>unknown("cannot read /proc/sys/kernel/random/boot_id: NoSuchFileException"),
                Probed.of(KernelRuntime.GVISOR));
        ClockHealth sandboxed = Fixtures.prober(new AtomicReference<>(gvisor), new ScriptedDetector("seccomp")).probe();
        String report = JsonReport.toJson(sandboxed, false, Collections.<String, String>emptyMap());
        assertTrue(report.contains("\"kernel\":{\"bootId\":{\"unknown\":\"cannot read /proc/sys/kernel/random/boot_id: "
                + "NoSuchFileException\"},\"release\":\"6.18.0-test\",\"version\":{\"unknown\":\"not probed\"},"
                + "\"arch\":\"x86_64\",\"runtime\":\"gvisor\"}"), report);
        String text = TextReport.render(sandboxed, false);
        assertTrue(text.contains("\nboot id     unknown, because cannot read /proc/sys/kernel/random/boot_id"), text);
        assertTrue(text.contains("\nruntime     gvisor\n"), text);
    }

    @Test
    void textReportShowsVerdictsCostsAndAdvice() {
        String text = TextReport.render(health, false);
        assertTrue(text.startsWith("clocksource hpet, clock_gettime FALLS BACK to syscalls for monotonic (seccomp)"), text);
        assertTrue(text.contains("monotonic         syscall  seccomp              21.0        301.0"), text);
        assertTrue(text.contains("    => clocksource hpet has no vDSO support; kernel log: unknown"), text);
        assertFalse(text.contains("7ffd12345000"), text);
        assertTrue(TextReport.render(health, true).contains("at 0x7ffd12345000"));
    }
}
