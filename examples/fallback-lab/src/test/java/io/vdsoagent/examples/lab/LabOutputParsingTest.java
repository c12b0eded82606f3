package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vdsoagent.testing.ObjdumpDynamicSymbols;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The e2e verdicts rest on these parsers reading guest output right; checked here without a guest. */
class LabOutputParsingTest {

    @Test
    void sectionsSplitAtMarkerLines() {
        LabRun run = new LabRun("x", "hpet", 0, "noise\n== truth\na\nb\n== report\n{\n}\n== truth-2\nc\n", "", 1);
        assertEquals(List.of("a", "b"), run.section("truth"));
        assertEquals(List.of("{", "}"), run.section("report"));
        assertEquals(List.of(), run.section("missing"));
    }

    @Test
    void straceTruthLinesBecomeCountsAndVerdicts() {
        StraceTruth truth = StraceTruth.parse(List.of("clocksource hpet", "truth 1 2002 syscall", "truth 5 2 vdso",
                "truth 11 2002 syscall"));
        assertEquals("hpet", truth.clocksource());
        assertEquals(2002, truth.calls().get(LabClock.MONOTONIC));
        assertEquals("vdso", truth.verdicts().get(LabClock.REALTIME_COARSE));
        assertEquals("syscall", truth.verdicts().get(LabClock.TAI));
    }

    @Test
    void agentReportReadsVerdictDeciderAndEveryFinding() {
        String json = "{\"clocksource\":{\"current\":\"hpet\",\"available\":[\"tsc\",\"hpet\"]},\"clocks\":["
                + "{\"clock\":\"monotonic\",\"verdict\":\"SYSCALL\",\"detector\":\"seccomp\",\"vdsoNanos\":null,"
                + "\"syscallNanos\":1.5e3,\"findings\":[{\"detector\":\"seccomp\",\"verdict\":\"syscall\","
                + "\"detail\":\"errno marker \\\"4242\\\"\"},{\"detector\":\"latency\",\"verdict\":\"unknown\",\"detail\":\"\\u00e9\"}]},"
                + "{\"clock\":\"PROCESS_CPUTIME_ID\",\"verdict\":\"syscall\",\"detector\":\"seccomp\",\"findings\":[]}]}";
        AgentReport report = AgentReport.parse(AgentReport.extractJson(List.of("log line", json)));
        assertEquals("hpet", report.clocksource());
        AgentReport.ClockResult monotonic = report.clocks().get(LabClock.MONOTONIC);
        assertEquals("syscall", monotonic.verdict());
        assertEquals("seccomp", monotonic.detector());
        assertEquals(Map.of("seccomp", "syscall", "latency", "unknown"), monotonic.findings());
        assertEquals("errno marker \"4242\"", monotonic.details().get("seccomp"));
        assertEquals("\u00e9", monotonic.details().get("latency"));
        assertEquals("syscall", report.clocks().get(LabClock.PROCESS_CPUTIME).verdict());
    }

    @Test
    void objdumpRowsBecomeVersionedNamesWithoutLocalOrUndefinedOnes() {
        String objdump = "\nvdso.so:     file format elf64-littleaarch64\n\nDYNAMIC SYMBOL TABLE:\n"
                + "0000000000000788 g    DF .text\t000000000000006c  LINUX_2.6.39 __kernel_clock_getres\n"
                + "0000000000000000 g    DO *ABS*\t0000000000000000  LINUX_2.6.39 LINUX_2.6.39\n"
                + "0000000000000340 g    DF .text\t0000000000000294 (LINUX_2.6.39) __kernel_hidden\n"
                + "0000000000000100 l    DF .text\t0000000000000010  LINUX_2.6.39 local_one\n"
                + "0000000000000000      DF *UND*\t0000000000000000  GLIBC_2.17 undefined_one\n"
                + "0000000000000200  w   DF .text\t0000000000000010  unversioned\n";
        assertEquals(new java.util.TreeSet<>(List.of("__kernel_clock_getres@LINUX_2.6.39", "LINUX_2.6.39@LINUX_2.6.39",
                "__kernel_hidden@(LINUX_2.6.39)", "unversioned")), ObjdumpDynamicSymbols.parse(objdump));
        assertEquals("2fba9033bbf370017cd9bf33dfcc2221a9beab7e", Binutils.buildId(
                "Displaying notes found in: .note\n  Owner  Data size \tDescription\n  GNU  0x00000014\tNT_GNU_BUILD_ID"
                        + " (unique build ID bitstring)\t    Build ID: 2fba9033bbf370017cd9bf33dfcc2221a9beab7e\n"));
    }

    @Test
    void promTextFindsASampleByLabelSubset() {
        String metrics = "# HELP vdso_clock_fallback x\n# TYPE vdso_clock_fallback gauge\n"
                + "vdso_clock_fallback{clock=\"realtime\",detector=\"seccomp\"} 1.0\n"
                + "vdso_clock_fallback{clock=\"monotonic\",detector=\"seccomp\"} 0.0\n"
                + "vdso_clocksource_changes_total 2.0\n";
        assertEquals(0.0, PromText.value(metrics, "vdso_clock_fallback", Map.of("clock", "monotonic")));
        assertEquals(2.0, PromText.value(metrics, "vdso_clocksource_changes_total", Map.of()));
        assertNull(PromText.value(metrics, "vdso_clock_fallback", Map.of("clock", "tai")));
    }
}
