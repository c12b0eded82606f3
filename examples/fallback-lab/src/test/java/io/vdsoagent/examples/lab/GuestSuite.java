package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
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
import java.util.function.Function;

/**
 * What the per-architecture suites share: one guest per mode, booted once per suite (a suite holds one of these
 * in a static field), and the checks every architecture passes the same way. The judges: strace's syscall counts
 * per clock for the verdicts and the agent's {@code /metrics}, the cross {@code objdump -T} of the vDSO the guest
 * maps for the symbols, the C program clockbracket for the consistency check. What only one architecture has
 * (s390x's 8-byte DT_HASH, arm64's timer erratum, ppc64's stale vDSO) stays in its suite.
 */
final class GuestSuite {

    static final int N = ClockVerdictsE2E.N;
    static final String DECIDING_DETECTOR = ClockVerdictsE2E.DECIDING_DETECTOR;

    /** The bash command a guest of a mode runs. */
    interface Batch {
        String script(String mode) throws IOException, InterruptedException;
    }

    /** The guest's vDSO image as dumped, with the cross objdump's symbols and the agent's report of it. */
    record VdsoImage(byte[] image, Path file, TreeSet<String> objdump, Map<String, Object> vdso) {
    }

    final GuestArch arch;
    final List<String> table = new ArrayList<>();
    final List<String> timings = new ArrayList<>();
    private final Map<String, LabRun> runs = new LinkedHashMap<>();
    private final String batchSteps;
    private final Batch batch;

    /** {@code batchSteps}: what the batch does in the guest, for the timing line. */
    GuestSuite(GuestArch arch, String batchSteps, Batch batch) {
        this.arch = arch;
        this.batchSteps = batchSteps;
        this.batch = batch;
    }

    /** guest/agent-batch.sh: strace per clock, the vDSO dump, report --json, -javaagent with /metrics. */
    static GuestSuite agentBatch(GuestArch arch, String batchSteps) {
        return new GuestSuite(arch, batchSteps, mode -> String.join(" ", Lab.quote(Lab.MODULE_DIR.resolve("guest/agent-batch.sh")),
                Lab.quote(Lab.clockloop(arch)), Integer.toString(N), Lab.quote(arch.guestJava(mode)), Lab.quote(Lab.agentJar()),
                Lab.quote(Lab.MODULE_DIR.resolve("target/test-classes")), Lab.quote(Lab.clockbracket(arch))));
    }

    /**
     * Boots the guest for a mode once and keeps its output for every test that needs it; a jiffies guest whose
     * command line lacks jiffies fails every test on that premise.
     */
    synchronized LabRun guest(String mode) throws IOException, InterruptedException {
        LabRun run = runs.get(mode);
        if (run == null) {
            run = Lab.run(arch, mode, Duration.ofSeconds(480), batch.script(mode));
            if (run.exitCode() != 0) {
                fail("the " + arch.name() + " " + mode + " guest's batch failed\n" + run.describe());
            }
            List<String> agentMeta = run.section("agent-meta");
            timings.add(arch.name() + " " + mode + " guest: " + run.wallMillis() + " ms wall (lab.sh incl. the asset cache check, "
                    + batchSteps + "); in the guest: report --json "
                    + String.join(", ", run.section("report-meta")).replaceAll("(, )+$", "")
                    + (agentMeta.isEmpty() ? "" : "; -javaagent " + String.join(", ", agentMeta).replaceAll("(, )+$", "")));
            runs.put(mode, run);
        }
        if (mode.equals("jiffies") && !String.join(" ", run.section("cmdline")).contains("clocksource=jiffies highres=off nohz=off")) {
            fail("premise missing: the jiffies guest's command line: " + run.section("cmdline"));
        }
        return run;
    }

    /** The CLI's report, after checking it succeeded and speaks of this architecture. */
    String reportJson(LabRun run) {
        assertTrue(run.section("report-meta").contains("exit 0"), () -> "report --json failed\n" + run.describe());
        String json = AgentReport.extractJson(run.section("report"));
        assertEquals(arch.name(), MiniJson.object(MiniJson.parse(json)).get("arch"), "the report's arch");
        return json;
    }

    /**
     * Every clock's verdict and deciding detector as strace finds them, in a guest whose mode decides whether the
     * counter is in the vDSO (the default mode) or not; {@code premiseContext} is shown when that premise fails.
     */
    void verdictsMatchStrace(String mode, Function<LabRun, String> premiseContext) throws IOException, InterruptedException {
        LabRun run = guest(mode);
        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        if (arch.modeOption().equals("--clocksource")) {
            assertEquals(mode, truth.clocksource(), "the guest's clocksource");
        }
        assertEquals(LabClock.values().length, truth.verdicts().size(), () -> "a truth line per clock\n" + run.describe());
        AgentReport agent = AgentReport.parse(reportJson(run));
        assertEquals(truth.clocksource(), agent.clocksource(), "the agent's clocksource.current vs the guest's sysfs");
        boolean counterInVdso = mode.equals(arch.defaultMode());
        for (LabClock clock : LabClock.values()) {
            String judge = truth.verdicts().get(clock);
            int calls = truth.calls().get(clock);
            assertTrue(judge.equals("syscall") || judge.equals("vdso"), () -> clock + " (" + mode + "): " + calls
                    + " syscalls for " + N + " calls is neither > N/2 nor < N/10\n" + run.describe());
            // The lab's premise, not the agent's result: the other modes must really fall back, the default must
            // not, or agreeing with strace would prove nothing about fallbacks.
            assertEquals(clock.expectedVerdict(counterInVdso), judge, () -> "premise missing: in the " + mode
                    + " guest strace counted " + calls + " clock_gettime syscalls for " + N + " " + clock + " calls\n"
                    + premiseContext.apply(run));
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertNotNull(result, () -> "the agent reported nothing for " + clock + "\n" + run.describe());
            table.add(String.format("| %-16s | %-" + modeWidth() + "s | %-7s | %5d | %-7s | %-8s |", clock.label, mode,
                    judge, calls, result.verdict(), result.detector()));
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

    /**
     * The agent's vDSO symbols are the cross objdump's of the image the guest maps, which is this
     * architecture's vDSO (vdso(7)'s symbol@version); the suite checks what else it knows of the image.
     */
    VdsoImage vdsoSymbolsMatchObjdump(String mode) throws IOException, InterruptedException {
        LabRun run = guest(mode);
        byte[] image = Base64.getMimeDecoder().decode(String.join("\n", run.section("vdso-image")));
        assertTrue(image.length >= 4096 && image[0] == 0x7f && image[1] == 'E', () -> "no ELF image dumped from the guest ("
                + image.length + " bytes)\n" + run.describe());
        Path file = Lab.WORK_DIR.resolve("vdso-" + arch.name() + "-" + mode + ".so");
        Files.createDirectories(Lab.WORK_DIR);
        Files.write(file, image);
        TreeSet<String> objdump = ObjdumpDynamicSymbols.parse(Binutils.run(List.of(arch.tool("objdump"), "-T", file.toString())));
        Map<String, Object> vdso = MiniJson.object(MiniJson.object(MiniJson.parse(reportJson(run))).get("vdso"));
        TreeSet<String> ours = new TreeSet<>();
        for (Object symbol : MiniJson.array(vdso.get("symbols"))) {
            Map<String, Object> s = MiniJson.object(symbol);
            String version = String.valueOf(s.get("version"));
            ours.add(version.isEmpty() ? String.valueOf(s.get("name")) : s.get("name") + "@" + version);
        }
        assertTrue(objdump.contains(arch.vdsoSymbol()), () -> "not a " + arch.name() + " vDSO: " + objdump);
        assertEquals(objdump, ours, "the agent's vDSO symbols vs " + arch.tool("objdump") + " -T " + file);
        return new VdsoImage(image, file, objdump, vdso);
    }

    /** The GNU build id readelf -n finds in the image, which the agent must have parsed too. */
    String assertSameBuildId(VdsoImage image) throws IOException, InterruptedException {
        String buildId = Binutils.buildId(Binutils.run(List.of(arch.tool("readelf"), "-n", image.file().toString())));
        assertEquals(buildId, image.vdso().get("buildId"), "the agent parsed the same image (build id, readelf -n)");
        return buildId;
    }

    /** -javaagent logs one stderr line and nothing else, and its {@code /metrics} agree with strace per clock. */
    void javaagentLogsOneLineAndItsMetricsAgreeWithStrace(String mode) throws IOException, InterruptedException {
        LabRun run = guest(mode);
        assertEquals(List.of(), nonEmpty(run.section("report-stderr")), "stderr of java -jar vdso-agent.jar report --json");
        List<String> stderr = nonEmpty(run.section("agent-stderr"));
        assumeGuestClockKeptTime(mode, run, stderr);
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

    /**
     * A jiffies guest under TCG can run its clock several times fast (678 guest seconds were seen in a 109 s run).
     * The agent's timeouts are in guest time, so its proof process and its rusage loop then time out, and it says
     * so in a degraded line, as it must. That is the emulator's clock, not the agent: the test is skipped, naming
     * both, only when the guest's own count of the agent's start is longer than the whole run took on the host.
     */
    private static void assumeGuestClockKeptTime(String mode, LabRun run, List<String> stderr) {
        boolean timedOut = stderr.size() == 2 && stderr.get(1).startsWith("vdso-agent: degraded: ")
                && stderr.get(1).contains("did not finish within");
        if (!timedOut) {
            return;
        }
        long guestMillis = run.section("agent-meta").stream().filter(l -> l.startsWith("line-ms "))
                .mapToLong(l -> Long.parseLong(l.substring("line-ms ".length()).trim())).findFirst().orElse(-1);
        assumeFalse(guestMillis > run.wallMillis(), () -> "the " + mode + " guest's clock ran fast: the agent's line came "
                + guestMillis + " guest ms after its start, in a run of " + run.wallMillis() + " host ms, so its timeouts"
                + " (guest time) expired: " + stderr.get(1));
    }

    /** No false alarm of the consistency check: every clock as consistent as the C program finds it. */
    void everyClockIsConsistentAsTheCProgramFinds(String mode) throws IOException, InterruptedException {
        LabRun run = guest(mode);
        BracketTruth.assertAllConsistent(arch.name() + " " + mode, run.section("bracket"), reportJson(run));
    }

    /**
     * Prints and writes (target/lab-logs/{file}) the verdict table, a line per guest (its kernel, and
     * {@code runNote}'s words) and the timings.
     */
    void printVerdictFigures(String modeColumn, Function<LabRun, String> runNote, String file) throws IOException {
        List<String> out = new ArrayList<>();
        out.add(String.format("| clock            | %-" + modeWidth() + "s | strace  | calls | agent   | decider  |", modeColumn));
        out.add("|------------------|-" + "-".repeat(modeWidth()) + "-|---------|-------|---------|----------|");
        out.addAll(table);
        out.add("");
        for (LabRun run : runs.values()) {
            out.add("- " + run.name() + ": " + String.join(" / ", run.section("kernel")) + runNote.apply(run));
        }
        printFigures(out, file);
    }

    /** Adds the timings to {@code out}, prints it and writes it to target/lab-logs/{file}. */
    void printFigures(List<String> out, String file) throws IOException {
        timings.forEach(t -> out.add("- " + t));
        out.forEach(line -> System.out.println("[lab " + arch.name() + "] " + line));
        Files.createDirectories(Lab.LOG_DIR);
        Files.write(Lab.LOG_DIR.resolve(file), out);
    }

    private int modeWidth() {
        return Math.max(7, arch.javaByMode().stream().mapToInt(e -> e.getKey().length()).max().orElse(0));
    }

    static List<String> nonEmpty(List<String> lines) {
        return lines.stream().filter(line -> !line.isBlank()).toList();
    }
}
