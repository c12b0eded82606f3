package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
