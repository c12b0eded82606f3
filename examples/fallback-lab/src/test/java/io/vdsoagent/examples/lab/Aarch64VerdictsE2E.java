package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vdsoagent.testing.ObjdumpDynamicSymbols;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent on a real arm64 kernel (Debian's, under qemu-system-aarch64 TCG): one guest per timer mode,
 * {@code normal} (the arch timer serves the vDSO) and {@code erratum} (QEMU's device tree with
 * hisilicon,erratum-161010101 on /timer, so the kernel takes the timer out of the vDSO). In each: strace
 * counts every clock's syscalls (the judge), the agent's CLI reports its verdicts, the guest's vDSO image
 * goes to the cross objdump, and the agent loaded with -javaagent logs its one line and serves /metrics.
 */
class Aarch64VerdictsE2E {

    static final int N = ClockVerdictsE2E.N;
    static final String DECIDING_DETECTOR = ClockVerdictsE2E.DECIDING_DETECTOR;
    /** What arm64's arch_timer driver prints when a device-tree erratum property takes effect. */
    static final String WORKAROUND_LINE = "arch_timer: Enabling global workaround for ";
    static final String GUEST_JAVA = "/usr/lib/jvm/java-17-openjdk-arm64/bin/java";

    private static final Map<String, LabRun> RUNS = new LinkedHashMap<>();
    private static final List<String> TABLE = new ArrayList<>();
    private static final List<String> TIMINGS = new ArrayList<>();

    @BeforeAll
    static void tools() {
        Lab.requireAarch64Tools();
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void agentVerdictsMatchStraceForEveryClock(String timer) throws Exception {
        LabRun run = guest(timer);
        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        assertEquals(LabClock.values().length, truth.verdicts().size(), () -> "a truth line per clock\n" + run.describe());
        AgentReport agent = report(run);
        assertEquals(truth.clocksource(), agent.clocksource(), "the agent's clocksource.current vs the guest's sysfs");

        boolean counterInVdso = timer.equals("normal");
        for (LabClock clock : LabClock.values()) {
            String judge = truth.verdicts().get(clock);
            int calls = truth.calls().get(clock);
            assertTrue(judge.equals("syscall") || judge.equals("vdso"), () -> clock + " (" + timer + "): " + calls
                    + " syscalls for " + N + " calls is neither > N/2 nor < N/10\n" + run.describe());
            // The lab's premise, not the agent's result: the erratum guest must really fall back, the
            // normal one must not, or agreeing with strace would prove nothing about fallbacks.
            assertEquals(clock.expectedVerdict(counterInVdso), judge, () -> "premise missing: in the " + timer
                    + " guest strace counted " + calls + " clock_gettime syscalls for " + N + " " + clock
                    + " calls\n" + String.join("\n", run.section("timer")));
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertNotNull(result, () -> "the agent reported nothing for " + clock + "\n" + String.join("\n", run.section("report")));
            TABLE.add(String.format("| %-16s | %-7s | %-7s | %5d | %-7s | %-8s |", clock.label, timer, judge, calls,
                    result.verdict(), result.detector()));
        }
        for (LabClock clock : LabClock.values()) {
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertEquals(truth.verdicts().get(clock), result.verdict(), () -> clock + " (" + timer + "): the agent says "
                    + result.verdict() + " (" + result.detector() + "), strace counted " + truth.calls().get(clock)
                    + " syscalls for " + N + " calls; findings " + result.details());
            assertEquals(DECIDING_DETECTOR, result.detector(), () -> clock + " (" + timer + "): deciding detector; findings "
                    + result.details());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void vdsoSymbolsMatchObjdumpOfTheGuestsImage(String timer) throws Exception {
        LabRun run = guest(timer);
        byte[] image = Base64.getMimeDecoder().decode(String.join("\n", run.section("vdso-image")));
        assertTrue(image.length >= 4096 && image[0] == 0x7f && image[1] == 'E', () -> "no ELF image dumped from the guest ("
                + image.length + " bytes)\n" + run.describe());
        Path file = Lab.WORK_DIR.resolve("vdso-aarch64-" + timer + ".so");
        Files.createDirectories(Lab.WORK_DIR);
        Files.write(file, image);
        TreeSet<String> objdump = ObjdumpDynamicSymbols.parse(Binutils.objdumpT(file));
        String buildId = Binutils.buildId(Binutils.readelfNotes(file));

        Map<String, Object> vdso = MiniJson.object(MiniJson.object(MiniJson.parse(reportJson(run))).get("vdso"));
        TreeSet<String> ours = new TreeSet<>();
        for (Object symbol : MiniJson.array(vdso.get("symbols"))) {
            Map<String, Object> s = MiniJson.object(symbol);
            String version = String.valueOf(s.get("version"));
            ours.add(version.isEmpty() ? String.valueOf(s.get("name")) : s.get("name") + "@" + version);
        }
        // vdso(7): aarch64 exports __kernel_* at LINUX_2.6.39; anything else means this is not the arm64 vDSO.
        assertTrue(objdump.contains("__kernel_clock_gettime@LINUX_2.6.39"), () -> "not an arm64 vDSO: " + objdump);
        assertEquals(objdump, ours, "the agent's vDSO symbols vs aarch64-linux-gnu-objdump -T " + file);
        assertEquals(buildId, vdso.get("buildId"), "the agent parsed the same image (build id, readelf -n)");
        assertEquals(image.length, ((Number) vdso.get("size")).intValue(), "vDSO size");
        if (timer.equals("normal")) {
            TIMINGS.add("vDSO (" + image.length + " bytes, build id " + buildId + "): " + objdump);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void javaagentLogsOneLineAndItsMetricsAgreeWithStrace(String timer) throws Exception {
        LabRun run = guest(timer);
        assertEquals(List.of(), nonEmpty(run.section("report-stderr")), "stderr of java -jar vdso-agent.jar report --json");
        List<String> stderr = nonEmpty(run.section("agent-stderr"));
        assertEquals(1, stderr.size(), () -> "one stderr line from -javaagent, nothing else: " + stderr);
        assertTrue(stderr.get(0).startsWith("vdso-agent: "), () -> "the agent's line: " + stderr);
        assertEquals(List.of(), nonEmpty(run.section("agent-stdout")), "the application's stdout is its own (empty)");

        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        String metrics = String.join("\n", run.section("agent-metrics"));
        for (LabClock clock : LabClock.values()) {
            Double fallback = PromText.value(metrics, "vdso_clock_fallback", Map.of("clock", clock.label, "detector", DECIDING_DETECTOR));
            assertNotNull(fallback, () -> "no vdso_clock_fallback{clock=\"" + clock.label + "\",detector=\"seccomp\"} in the "
                    + timer + " guest's /metrics:\n" + metrics);
            assertEquals(truth.verdicts().get(clock).equals("syscall") ? 1.0 : 0.0, fallback, 0.0, () -> clock + " ("
                    + timer + "): /metrics vs strace's " + truth.calls().get(clock) + " syscalls for " + N + " calls");
        }
    }

    /** Issue 31: no false alarm on arm64, with the timer in the vDSO or out of it. */
    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void everyClockIsConsistentAsTheCProgramFinds(String timer) throws Exception {
        LabRun run = guest(timer);
        BracketTruth.assertAllConsistent("aarch64 " + timer, run.section("bracket"), reportJson(run));
    }

    /** The CLI's report, after checking it succeeded. */
    private static AgentReport report(LabRun run) {
        assertTrue(run.section("report-meta").contains("exit 0"), () -> "report --json failed\n" + run.describe());
        return AgentReport.parse(reportJson(run));
    }

    private static String reportJson(LabRun run) {
        String json = AgentReport.extractJson(run.section("report"));
        assertEquals("aarch64", MiniJson.object(MiniJson.parse(json)).get("arch"), "the report's arch");
        return json;
    }

    private static List<String> nonEmpty(List<String> lines) {
        return lines.stream().filter(line -> !line.isBlank()).toList();
    }

    /**
     * Boots the guest for a timer mode once and keeps its output for every test that needs it; every test
     * of a guest whose kernel did not do what its mode means fails on that premise.
     */
    private static synchronized LabRun guest(String timer) throws IOException, InterruptedException {
        LabRun run = RUNS.get(timer);
        if (run == null) {
            run = boot(timer);
            RUNS.put(timer, run);
        }
        List<String> timerLines = run.section("timer");
        boolean workaround = timerLines.stream().anyMatch(line -> line.contains(WORKAROUND_LINE));
        if (timer.equals("erratum") && !workaround) {
            fail("premise missing: the erratum guest's dmesg has no \"" + WORKAROUND_LINE + "...\" line, so its kernel "
                    + "did not take the arch timer out of the vDSO:\n" + String.join("\n", timerLines));
        }
        if (timer.equals("normal") && workaround) {
            fail("premise missing: the normal guest's kernel runs a timer workaround:\n" + String.join("\n", timerLines));
        }
        return run;
    }

    private static LabRun boot(String timer) throws IOException, InterruptedException {
        String script = String.join(" ", Lab.quote(Lab.MODULE_DIR.resolve("guest/agent-batch.sh")),
                Lab.quote(Lab.clockloopAarch64()), Integer.toString(N), Lab.quote(GUEST_JAVA), Lab.quote(Lab.agentJar()),
                Lab.quote(Lab.MODULE_DIR.resolve("target/test-classes")), Lab.quote(Lab.clockbracketAarch64()));
        LabRun run = Lab.runAarch64("aarch64-" + timer, timer, Duration.ofSeconds(480), script);
        if (run.exitCode() != 0) {
            fail("the aarch64 " + timer + " guest's batch failed\n" + run.describe());
        }
        TIMINGS.add("aarch64 " + timer + " guest: " + run.wallMillis() + " ms wall (lab.sh incl. the asset cache check, boot, "
                + "strace x9, report --json, -javaagent until its line); in the guest: report --json "
                + String.join(", ", run.section("report-meta")).replaceAll("(, )+$", "") + "; -javaagent "
                + String.join(", ", run.section("agent-meta")).replaceAll("(, )+$", ""));
        return run;
    }

    @AfterAll
    static void printFigures() throws IOException {
        List<String> out = new ArrayList<>();
        out.add("| clock            | timer   | strace  | calls | agent   | decider  |");
        out.add("|------------------|---------|---------|-------|---------|----------|");
        out.addAll(TABLE);
        out.add("");
        for (LabRun run : RUNS.values()) {
            out.add("- " + run.name() + ": " + String.join(" / ", run.section("kernel")) + "; "
                    + run.section("timer").stream().filter(line -> line.contains(WORKAROUND_LINE)).findFirst()
                            .orElse("no timer workaround").replaceFirst("^\\[[^]]*\\] ", ""));
        }
        TIMINGS.forEach(t -> out.add("- " + t));
        out.forEach(line -> System.out.println("[lab] " + line));
        Files.createDirectories(Lab.LOG_DIR);
        Files.write(Lab.LOG_DIR.resolve("figures-aarch64.md"), out);
    }
}
