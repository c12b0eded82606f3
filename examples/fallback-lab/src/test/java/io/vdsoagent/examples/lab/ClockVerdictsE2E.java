package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One guest per clocksource does all the work for it (TCG boots are slow): strace counts the
 * clock_gettime syscalls of a libc loop for every clock id (the judge), then the agent's CLI reports
 * its verdicts in the same guest; the tsc guest also switches the clocksource under a running agent.
 */
class ClockVerdictsE2E {

    /** Calls per clock: N/2 vs N/10 is unmistakable, and strace stays quick under emulation. */
    static final int N = 2000;
    static final String DECIDING_DETECTOR = "seccomp";

    private static final Map<String, LabRun> RUNS = new LinkedHashMap<>();
    private static final List<String> TABLE = new ArrayList<>();
    /** detector -> [agreed with strace, contradicted it, inconclusive (unknown)]. */
    private static final Map<String, int[]> AGREEMENT = new TreeMap<>();
    private static final List<String> TIMINGS = new ArrayList<>();

    @BeforeAll
    static void tools() {
        Lab.requireTools();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hpet", "acpi_pm", "tsc"})
    void agentVerdictsMatchStraceForEveryClock(String clocksource) throws Exception {
        LabRun run = guest(clocksource);
        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        assertEquals(clocksource, truth.clocksource(), run::describe);
        assertEquals(LabClock.values().length, truth.verdicts().size(), () -> "a truth line per clock\n" + run.describe());

        List<String> report = run.section("report");
        assertTrue(run.section("report-meta").contains("exit 0"), () -> "report --json failed\n" + run.describe());
        AgentReport agent = AgentReport.parse(AgentReport.extractJson(report));
        if (agent.clocksource() != null) {
            assertEquals(clocksource, agent.clocksource(), "the agent's clocksource.current");
        }

        // rusage only runs where seccomp left a clock undecided, so the guest also ran it alone.
        List<String> rusageLines = run.section("report-rusage");
        AgentReport rusageAlone = rusageLines.isEmpty() ? null : AgentReport.parse(AgentReport.extractJson(rusageLines));

        List<String> surprises = new ArrayList<>();
        List<String> contradictions = new ArrayList<>();
        for (LabClock clock : LabClock.values()) {
            String judge = truth.verdicts().get(clock);
            int calls = truth.calls().get(clock);
            assertTrue(judge.equals("syscall") || judge.equals("vdso"), () -> clock + " on " + clocksource + ": " + calls
                    + " syscalls for " + N + " calls is neither > N/2 nor < N/10\n" + run.describe());
            if (!judge.equals(clock.expectedVerdict(clocksource))) {
                surprises.add(clock + "=" + judge);
            }
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertNotNull(result, () -> "the agent reported nothing for " + clock + "\n" + String.join("\n", report));
            Map<String, String> findings = new LinkedHashMap<>(result.findings());
            AgentReport.ClockResult rusage = rusageAlone == null ? null : rusageAlone.clocks().get(clock);
            if (rusage != null && rusage.findings().containsKey("rusage")) {
                findings.put("rusage(alone)", rusage.findings().get("rusage"));
            }
            // Every detector, not only the deciding one: a heuristic may say unknown, never the opposite of strace.
            AgentReport.ClockResult alone = rusage;
            findings.forEach((detector, verdict) -> {
                int[] counts = AGREEMENT.computeIfAbsent(detector, d -> new int[3]);
                boolean contradicts = !verdict.equals(judge) && !verdict.equals("unknown");
                counts[verdict.equals(judge) ? 0 : contradicts ? 1 : 2]++;
                if (contradicts) {
                    String detail = detector.equals("rusage(alone)") ? alone.details().get("rusage") : result.details().get(detector);
                    contradictions.add(clock + ": " + detector + " says " + verdict + ", strace counted " + calls
                            + " syscalls for " + N + " calls (" + judge + "); " + detail);
                }
            });
            TABLE.add(String.format("| %-16s | %-8s | %-7s | %5d | %-7s | %-8s | %s |", clock.label, clocksource,
                    judge, calls, result.verdict(), result.detector(), describe(findings)));
        }
        // The kernel sources are a hint, strace the judge: a difference is news, not a failure.
        System.out.println("[lab] " + clocksource + ": strace " + (surprises.isEmpty()
                ? "agrees with the kernel-source expectation" : "differs from the kernel-source expectation: " + surprises));

        assertTrue(contradictions.isEmpty(), () -> "on " + clocksource + " a detector contradicted strace:\n"
                + String.join("\n", contradictions));
        for (String detector : List.of("seccomp", "latency", "clocksource")) {
            for (LabClock clock : LabClock.values()) {
                assertTrue(agent.clocks().get(clock).findings().containsKey(detector),
                        () -> detector + " left no finding for " + clock + " on " + clocksource + ": every detector is held to strace");
            }
        }
        assertTrue(rusageAlone != null, () -> "the rusage-alone report is missing\n" + run.describe());
        kernelLogNamesTheBootClocksource(clocksource, AgentReport.extractJson(report));

        for (LabClock clock : LabClock.values()) {
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertEquals(truth.verdicts().get(clock), result.verdict(), () -> clock + " on " + clocksource
                    + ": the agent says " + result.verdict() + " (" + result.detector() + "), strace counted "
                    + truth.calls().get(clock) + " syscalls for " + N + " calls; findings " + result.details());
            assertEquals(DECIDING_DETECTOR, result.detector(), () -> clock + " on " + clocksource
                    + ": deciding detector; findings " + result.details());
        }
    }

    /**
     * The guest's kernel log is readable (root in a VM) and the kernel prints the switch to the
     * clocksource it was booted with: the report must carry that line, with its time.
     */
    private static void kernelLogNamesTheBootClocksource(String clocksource, String json) {
        Object log = MiniJson.object(MiniJson.parse(json)).get("kernelLog");
        assertNotNull(log, "no kernelLog in the report");
        Map<String, Object> kernelLog = MiniJson.object(log);
        assertTrue(kernelLog.containsKey("events"), () -> "the guest's kernel log was not read: " + kernelLog);
        boolean switched = false;
        for (Object e : MiniJson.array(kernelLog.get("events"))) {
            Map<String, Object> event = MiniJson.object(e);
            switched |= "clocksource_switch".equals(event.get("kind")) && clocksource.equals(event.get("subject"));
        }
        assertTrue(switched, () -> "no 'Switched to clocksource " + clocksource + "' among " + kernelLog);
    }

    @Test
    void runtimeSwitchToHpetFlipsMonotonicToSyscallAndBack() throws Exception {
        LabRun run = guest("tsc");
        String start = String.join("\n", run.section("metrics-start"));
        String hpet = String.join("\n", run.section("metrics-hpet"));
        String back = String.join("\n", run.section("metrics-tsc"));
        assertTrue(start.contains("clocksource tsc") && hpet.contains("clocksource hpet") && back.contains("clocksource tsc"),
                () -> "the guest did not switch as planned\n" + run.describe());

        assertEquals(0.0, changes(start), 0.0, () -> "changes before any switch\n" + start);
        assertEquals(0.0, monotonicFallback(start), 0.0, () -> "monotonic on tsc\n" + start);
        assertEquals(1.0, changes(hpet), 0.0, () -> "vdso_clocksource_changes_total after tsc -> hpet\n" + hpet);
        assertEquals(1.0, monotonicFallback(hpet), 0.0, () -> "monotonic on hpet must fall back\n" + hpet);
        assertEquals(2.0, changes(back), 0.0, () -> "vdso_clocksource_changes_total after hpet -> tsc\n" + back);
        assertEquals(0.0, monotonicFallback(back), 0.0, () -> "monotonic back on tsc must be vDSO\n" + back);
        TIMINGS.add("runtime switch (clocksource-poll=1s): tsc->hpet " + String.join("", run.section("flip-hpet")).trim()
                + ", hpet->tsc " + String.join("", run.section("flip-tsc")).trim());
    }

    private static double changes(String metrics) {
        Double value = PromText.value(metrics, "vdso_clocksource_changes_total", Map.of());
        assertNotNull(value, () -> "no vdso_clocksource_changes_total in\n" + metrics);
        return value;
    }

    private static double monotonicFallback(String metrics) {
        Double value = PromText.value(metrics, "vdso_clock_fallback", Map.of("clock", "monotonic", "detector", DECIDING_DETECTOR));
        assertNotNull(value, () -> "no vdso_clock_fallback{clock=\"monotonic\",detector=\"seccomp\"} in\n" + metrics);
        return value;
    }

    private static String describe(Map<String, String> findings) {
        StringBuilder out = new StringBuilder();
        findings.forEach((detector, verdict) -> out.append(out.length() == 0 ? "" : ", ").append(detector).append('=').append(verdict));
        return out.toString();
    }

    /** Issue 31: no false alarm on a kernel that tells the right time, whether it falls back or not. */
    @ParameterizedTest
    @ValueSource(strings = {"hpet", "acpi_pm", "tsc"})
    void everyClockIsConsistentAsTheCProgramFinds(String clocksource) throws Exception {
        LabRun run = guest(clocksource);
        assertTrue(run.section("report-meta").contains("exit 0"), () -> "report --json failed\n" + run.describe());
        BracketTruth.assertAllConsistent(clocksource, run.section("bracket"), AgentReport.extractJson(run.section("report")));
    }

    /** Boots the guest for a clocksource once and keeps its output for every test that needs it. */
    private static synchronized LabRun guest(String clocksource) throws IOException, InterruptedException {
        LabRun cached = RUNS.get(clocksource);
        if (cached != null) {
            return cached;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Lab.agentJar();
        StringBuilder script = new StringBuilder()
                .append(Lab.quote(Lab.MODULE_DIR.resolve("guest/verdicts.sh"))).append(' ')
                .append(Lab.quote(Lab.clockloop())).append(' ').append(N).append(' ')
                .append(Lab.quote(java)).append(' ').append(Lab.quote(jar)).append(' ')
                .append(Lab.quote(Lab.clockbracket()));
        Duration timeout = Duration.ofSeconds(300);
        if (clocksource.equals("tsc")) {
            script.append("; ").append(Lab.quote(Lab.MODULE_DIR.resolve("guest/runtime-switch.sh"))).append(' ')
                    .append(Lab.quote(java)).append(' ').append(Lab.quote(jar)).append(' ')
                    .append(Lab.quote(Lab.MODULE_DIR.resolve("target/test-classes"))).append(" 1s");
            timeout = Duration.ofSeconds(480);
        }
        LabRun run = Lab.run("verdicts-" + clocksource, clocksource, timeout, List.of(), script.toString());
        if (run.exitCode() != 0) {
            fail("the " + clocksource + " guest's batch failed\n" + run.describe());
        }
        TIMINGS.add(clocksource + " guest: " + run.wallMillis() + " ms wall (boot, strace x9, report --json"
                + (clocksource.equals("tsc") ? ", runtime switch" : "") + "); report --json in guest: "
                + String.join(", ", run.section("report-meta")).replaceAll("(, )+$", ""));
        RUNS.put(clocksource, run);
        return run;
    }

    @AfterAll
    static void printFigures() throws IOException {
        List<String> out = new ArrayList<>();
        out.add("| clock            | clocksrc | strace  | calls | agent   | decider  | findings |");
        out.add("|------------------|----------|---------|-------|---------|----------|----------|");
        out.addAll(TABLE);
        out.add("");
        out.add("| detector | agree with strace | inconclusive | contradict |");
        out.add("|----------|-------------------|--------------|------------|");
        AGREEMENT.forEach((detector, c) -> out.add(String.format("| %s | %d | %d | %d |", detector, c[0], c[2], c[1])));
        out.add("");
        TIMINGS.forEach(t -> out.add("- " + t));
        out.forEach(line -> System.out.println("[lab] " + line));
        Files.createDirectories(Lab.LOG_DIR);
        Files.write(Lab.LOG_DIR.resolve("figures-verdicts.md"), out);
    }
}
