package io.vdsoagent.examples.lab;

import io.vdsoagent.testing.ObjdumpDynamicSymbols;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
 * The agent on riscv64: Debian 13's riscv64 kernel under qemu-system-riscv64 -machine virt (TCG, QEMU's OpenSBI),
 * booted as is (riscv_clocksource, the time CSR, read by the vDSO) with Debian 13's JDK 25 (the agent binds libc
 * through FFM there), and with {@code clocksource=jiffies highres=off nohz=off} with its JDK 21 (FFM is JDK 22+:
 * jnr-ffi and the jar's jffi riscv64 stub), so each binding meets the seccomp probe on riscv64. riscv64 uses the generic vDSO, which checks the
 * clocksource's vDSO mode: jiffies has none, so the five high-resolution clocks really make the syscall. The
 * judges: strace's syscall counts per clock for the verdicts (each decided by the seccomp probe, whose filter
 * needs riscv64's syscall numbers and audit arch), {@code riscv64-linux-gnu-objdump -T} and {@code readelf} of
 * the vDSO the guest maps for the symbols, the C program clockbracket (before and after the report) for the
 * consistency check, and strace again for the {@code /metrics} of the agent loaded with {@code -javaagent}.
 */
class Riscv64VerdictsE2E {

    static final int N = ClockVerdictsE2E.N;
    static final String DECIDING_DETECTOR = ClockVerdictsE2E.DECIDING_DETECTOR;
    /** The JVM per mode: FFM on JDK 25, jnr-ffi on JDK 21. */
    static final Map<String, String> GUEST_JAVA = Map.of(
            "riscv_clocksource", "/usr/lib/jvm/java-25-openjdk-riscv64/bin/java",
            "jiffies", "/usr/lib/jvm/java-21-openjdk-riscv64/bin/java");

    private static final Map<String, LabRun> RUNS = new LinkedHashMap<>();
    private static final List<String> TABLE = new ArrayList<>();
    private static final List<String> TIMINGS = new ArrayList<>();

    @BeforeAll
    static void tools() {
        Lab.requireRiscv64Tools();
    }

    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource", "jiffies"})
    void agentVerdictsMatchStraceForEveryClock(String mode) throws Exception {
        LabRun run = guest(mode);
        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        assertEquals(mode, truth.clocksource(), "the guest's clocksource");
        assertEquals(LabClock.values().length, truth.verdicts().size(), () -> "a truth line per clock\n" + run.describe());
        AgentReport agent = AgentReport.parse(reportJson(run));
        assertEquals(truth.clocksource(), agent.clocksource(), "the agent's clocksource.current vs the guest's sysfs");
        boolean counterInVdso = mode.equals("riscv_clocksource");
        for (LabClock clock : LabClock.values()) {
            String judge = truth.verdicts().get(clock);
            int calls = truth.calls().get(clock);
            // The lab's premise, not the agent's result: jiffies must really fall back, riscv_clocksource must not.
            assertEquals(clock.expectedVerdict(counterInVdso), judge, () -> "premise missing: in the " + mode
                    + " guest strace counted " + calls + " clock_gettime syscalls for " + N + " " + clock + " calls\n"
                    + run.describe());
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertNotNull(result, () -> "the agent reported nothing for " + clock + "\n" + run.describe());
            TABLE.add(String.format("| %-16s | %-17s | %-7s | %5d | %-7s | %-8s |", clock.label, mode, judge, calls,
                    result.verdict(), result.detector()));
        }
        for (LabClock clock : LabClock.values()) {
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertEquals(truth.verdicts().get(clock), result.verdict(), () -> clock + " (" + mode + "): the agent says "
                    + result.verdict() + " (" + result.detector() + "), strace counted " + truth.calls().get(clock)
                    + " syscalls for " + N + " calls; findings " + result.details());
            assertEquals(DECIDING_DETECTOR, result.detector(), () -> clock + " (" + mode + "): deciding detector; findings "
                    + result.details());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource"})
    void vdsoSymbolsMatchObjdumpOfTheGuestsImage(String mode) throws Exception {
        LabRun run = guest(mode);
        byte[] image = Base64.getMimeDecoder().decode(String.join("\n", run.section("vdso-image")));
        assertTrue(image.length >= 4096 && image[0] == 0x7f && image[1] == 'E', () -> "no ELF image dumped from the guest ("
                + image.length + " bytes)\n" + run.describe());
        Path file = Lab.WORK_DIR.resolve("vdso-riscv64-" + mode + ".so");
        Files.createDirectories(Lab.WORK_DIR);
        Files.write(file, image);
        TreeSet<String> objdump = ObjdumpDynamicSymbols.parse(Binutils.run(List.of("riscv64-linux-gnu-objdump", "-T", file.toString())));
        String buildId = Binutils.buildId(Binutils.run(List.of("riscv64-linux-gnu-readelf", "-n", file.toString())));
        Map<String, Object> vdso = MiniJson.object(MiniJson.object(MiniJson.parse(reportJson(run))).get("vdso"));
        TreeSet<String> ours = new TreeSet<>();
        for (Object symbol : MiniJson.array(vdso.get("symbols"))) {
            Map<String, Object> s = MiniJson.object(symbol);
            String version = String.valueOf(s.get("version"));
            ours.add(version.isEmpty() ? String.valueOf(s.get("name")) : s.get("name") + "@" + version);
        }
        // The riscv64 kernel's vDSO (arch/riscv/kernel/vdso) versions its functions LINUX_4.15; anything else
        // means this is not the riscv64 vDSO.
        assertTrue(objdump.contains("__vdso_clock_gettime@LINUX_4.15"), () -> "not a riscv64 vDSO: " + objdump);
        assertEquals(objdump, ours, "the agent's vDSO symbols vs riscv64-linux-gnu-objdump -T " + file);
        assertEquals(buildId, vdso.get("buildId"), "the agent parsed the same image (build id, readelf -n)");
        assertEquals("linux-vdso.so.1", vdso.get("soname"), "DT_SONAME");
        assertEquals(image.length, ((Number) vdso.get("size")).intValue(), "vDSO size");
        TIMINGS.add("vDSO (" + image.length + " bytes, build id " + buildId + "): " + objdump);
    }

    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource", "jiffies"})
    void javaagentLogsOneLineAndItsMetricsAgreeWithStrace(String mode) throws Exception {
        LabRun run = guest(mode);
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
                    + mode + " guest's /metrics:\n" + metrics);
            assertEquals(truth.verdicts().get(clock).equals("syscall") ? 1.0 : 0.0, fallback, 0.0, () -> clock + " ("
                    + mode + "): /metrics vs strace's " + truth.calls().get(clock) + " syscalls for " + N + " calls");
        }
    }

    /** No false alarm of the consistency check on riscv64, in the vDSO or out of it. */
    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource", "jiffies"})
    void everyClockIsConsistentAsTheCProgramFinds(String mode) throws Exception {
        LabRun run = guest(mode);
        BracketTruth.assertAllConsistent("riscv64 " + mode, run.section("bracket"), reportJson(run));
    }

    private static List<String> nonEmpty(List<String> lines) {
        return lines.stream().filter(line -> !line.isBlank()).toList();
    }

    private static String reportJson(LabRun run) {
        assertTrue(run.section("report-meta").contains("exit 0"), () -> "report --json failed\n" + run.describe());
        String json = AgentReport.extractJson(run.section("report"));
        assertEquals("riscv64", MiniJson.object(MiniJson.parse(json)).get("arch"), "the report's arch");
        return json;
    }

    private static synchronized LabRun guest(String mode) throws IOException, InterruptedException {
        LabRun run = RUNS.get(mode);
        if (run == null) {
            String script = String.join(" ", Lab.quote(Lab.MODULE_DIR.resolve("guest/agent-batch.sh")),
                    Lab.quote(Lab.clockloopRiscv64()), Integer.toString(N), Lab.quote(GUEST_JAVA.get(mode)), Lab.quote(Lab.agentJar()),
                    Lab.quote(Lab.MODULE_DIR.resolve("target/test-classes")), Lab.quote(Lab.clockbracketRiscv64()));
            run = Lab.runRiscv64("riscv64-" + mode, mode, Duration.ofSeconds(480), script);
            if (run.exitCode() != 0) {
                fail("the riscv64 " + mode + " guest's batch failed\n" + run.describe());
            }
            TIMINGS.add("riscv64 " + mode + " guest: " + run.wallMillis() + " ms wall (lab.sh incl. the asset cache check, "
                    + "boot, strace x9, vDSO dump, report --json, -javaagent until its line); in the guest: report --json "
                    + String.join(", ", run.section("report-meta")).replaceAll("(, )+$", "") + "; -javaagent "
                    + String.join(", ", run.section("agent-meta")).replaceAll("(, )+$", ""));
            RUNS.put(mode, run);
        }
        if (mode.equals("jiffies") && !String.join(" ", run.section("cmdline")).contains("clocksource=jiffies highres=off nohz=off")) {
            fail("premise missing: the jiffies guest's command line: " + run.section("cmdline"));
        }
        return run;
    }

    @AfterAll
    static void printFigures() throws IOException {
        List<String> out = new ArrayList<>();
        out.add("| clock            | mode              | strace  | calls | agent   | decider  |");
        out.add("|------------------|-------------------|---------|-------|---------|----------|");
        out.addAll(TABLE);
        out.add("");
        for (LabRun run : RUNS.values()) {
            out.add("- " + run.name() + ": " + String.join(" / ", run.section("kernel")));
        }
        TIMINGS.forEach(t -> out.add("- " + t));
        out.forEach(line -> System.out.println("[lab riscv64] " + line));
        Files.createDirectories(Lab.LOG_DIR);
        Files.write(Lab.LOG_DIR.resolve("riscv64-figures.md"), out);
    }
}
