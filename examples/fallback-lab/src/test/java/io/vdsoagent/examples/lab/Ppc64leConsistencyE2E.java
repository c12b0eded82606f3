package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent on a real ppc64le kernel (Debian 12's, under qemu-system-ppc64 -machine pseries TCG), booted as is
 * (clocksource timebase) and with {@code clocksource=jiffies highres=off nohz=off}. In jiffies mode the powerpc
 * vDSO keeps answering the high-resolution clocks from data the kernel no longer updates: no syscall (strace
 * counts 0, and the agent, rightly, says vdso), but wrong time. The judges: strace's syscall counts for the
 * verdicts, and the C program clockbracket (libc clock_gettime between two raw syscalls) sampling every
 * 0.3 s while the agent runs, for which clocks are wrong and by how much. The agent's offset must be within
 * 10 % of the range of the C program's samples within 1 s of the probe (of the whole run for a clock whose
 * samples jump: realtime); in timebase mode nothing may be flagged.
 */
class Ppc64leConsistencyE2E {

    static final int N = ClockVerdictsE2E.N;
    /** The C samples compared with the agent's probe: this close in the clock's own kernel time. */
    static final double WINDOW_SECONDS = 1.0;
    /** Issue 31's premise for jiffies mode: the five high-resolution clocks wrong, the coarse ones right. */
    static final Set<LabClock> WRONG_IN_JIFFIES = EnumSet.of(LabClock.REALTIME, LabClock.MONOTONIC,
            LabClock.MONOTONIC_RAW, LabClock.BOOTTIME, LabClock.TAI);

    /** guest/ppc64le-batch.sh: strace per clock, the vDSO dump, report --json with the C sampler beside it. */
    private static final GuestSuite LAB = new GuestSuite(GuestArch.PPC64LE,
            "boot, strace x9, report --json with the C sampler",
            mode -> String.join(" ", Lab.quote(Lab.MODULE_DIR.resolve("guest/ppc64le-batch.sh")),
                    Lab.quote(Lab.clockloop(GuestArch.PPC64LE)), Lab.quote(Lab.clockbracket(GuestArch.PPC64LE)),
                    Integer.toString(N), Lab.quote(GuestArch.PPC64LE.guestJava(mode)), Lab.quote(Lab.agentJar())));

    @BeforeAll
    static void tools() {
        Lab.requireTools(GuestArch.PPC64LE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"timebase", "jiffies"})
    void verdictsMatchStraceAndWrongClocksAreNotCalledFallbacks(String mode) throws Exception {
        LabRun run = LAB.guest(mode);
        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        assertEquals(mode, truth.clocksource(), "the guest's clocksource");
        AgentReport agent = AgentReport.parse(LAB.reportJson(run));
        for (LabClock clock : LabClock.values()) {
            String judge = truth.verdicts().get(clock);
            // The premise: ppc64's vDSO serves every clock but the CPU-time ones in both modes.
            assertEquals(clock.cpuTime() ? "syscall" : "vdso", judge, () -> clock + " (" + mode + "): strace counted "
                    + truth.calls().get(clock) + " syscalls for " + N + " calls\n" + run.describe());
            AgentReport.ClockResult result = agent.clocks().get(clock);
            assertNotNull(result, () -> "the agent reported nothing for " + clock);
            assertEquals(judge, result.verdict(), () -> clock + " (" + mode + "): agent " + result.verdict() + " ("
                    + result.detector() + ") vs strace " + truth.calls().get(clock) + "; " + result.details());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"timebase", "jiffies"})
    void wrongClocksAreFlaggedWithTheOffsetTheCProgramMeasures(String mode) throws Exception {
        LabRun run = LAB.guest(mode);
        Map<String, Object> consistency = MiniJson.object(MiniJson.object(MiniJson.parse(LAB.reportJson(run))).get("consistency"));
        Map<LabClock, List<double[]>> samples = BracketTruth.samples(run.section("bracket"));
        for (Object entry : MiniJson.array(consistency.get("clocks"))) {
            Map<String, Object> c = MiniJson.object(entry);
            LabClock clock = LabClock.byName(String.valueOf(c.get("clock")));
            double kernel = ((Number) MiniJson.array(c.get("kernelNanos")).get(0)).doubleValue();
            double agentOffset = ((Number) c.get("offsetSeconds")).doubleValue();
            List<double[]> around = around(samples.get(clock), kernel);
            assertTrue(!around.isEmpty(), () -> "no C sample of " + clock + " within " + WINDOW_SECONDS
                    + " s of the agent's probe\n" + run.describe());
            boolean truthWrong = around.stream().allMatch(BracketTruth::outside);
            boolean premise = mode.equals("jiffies") && WRONG_IN_JIFFIES.contains(clock);
            assertEquals(premise, truthWrong, () -> "premise: the C program's samples of " + clock + " in the " + mode
                    + " guest, [kernel ns, offset ns, outside]: " + BracketTruth.describe(around));
            assertEquals(!truthWrong, c.get("consistent"), () -> clock + " (" + mode + "): " + c.get("detail")
                    + "; the C program: " + BracketTruth.describe(around));
            // The C program's offsets around the same moment. The frozen clocks move steadily (1 s per
            // second); the stale vDSO's realtime jumps between reads (tens to hundreds of seconds from one
            // sample to the next): when the samples around the probe spread by more than 10 %, the whole
            // run's samples are the C program's measure of that clock.
            List<double[]> compared = truthWrong && spread(around) > 0.1 ? samples.get(clock) : around;
            String over = compared == around ? "within " + WINDOW_SECONDS + " s of the probe" : "over the whole run (erratic)";
            double low = compared.stream().mapToDouble(a -> a[1] / 1e9).min().getAsDouble();
            double high = compared.stream().mapToDouble(a -> a[1] / 1e9).max().getAsDouble();
            if (truthWrong) {
                assertTrue(agentOffset >= low - 0.1 * Math.abs(low) && agentOffset <= high + 0.1 * Math.abs(high),
                        () -> clock + ": agent " + agentOffset + " s vs the C program's " + low + " .. " + high
                                + " s " + over);
            }
            LAB.table.add(String.format("| %-16s | %-8s | %-10s | %18.3f | %18.3f .. %18.3f (%d samples %s) |", clock.label,
                    mode, Boolean.TRUE.equals(c.get("consistent")) ? "consistent" : "WRONG", agentOffset, low, high,
                    compared.size(), over));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"timebase", "jiffies"})
    void nanoTimeStandsStillOnlyInJiffiesMode(String mode) throws Exception {
        LabRun run = LAB.guest(mode);
        Map<String, Object> consistency = MiniJson.object(MiniJson.object(MiniJson.parse(LAB.reportJson(run))).get("consistency"));
        Map<String, Map<String, Object>> jvm = new LinkedHashMap<>();
        for (Object entry : MiniJson.array(consistency.get("jvm"))) {
            jvm.put(String.valueOf(MiniJson.object(entry).get("method")), MiniJson.object(entry));
        }
        Map<String, Object> nanoTime = jvm.get("nanoTime");
        assertNotNull(nanoTime, () -> "no nanoTime consistency in " + consistency);
        boolean jiffies = mode.equals("jiffies");
        assertEquals(jiffies, nanoTime.get("standingStill"), () -> "nanoTime (" + mode + "): " + nanoTime.get("detail"));
        assertEquals(!jiffies, nanoTime.get("consistent"), () -> "nanoTime (" + mode + "): " + nanoTime.get("detail"));
        assertEquals(Boolean.FALSE, nanoTime.get("backwards"), () -> "nanoTime (" + mode + "): " + nanoTime.get("detail"));
        assertEquals(!jiffies, jvm.get("currentTimeMillis").get("consistent"), () -> "currentTimeMillis (" + mode + "): "
                + jvm.get("currentTimeMillis").get("detail"));
        String headline = String.valueOf(MiniJson.object(MiniJson.parse(LAB.reportJson(run))).get("headline"));
        assertEquals(jiffies, headline.contains("answers WRONG time"), () -> "headline: " + headline);
        LAB.timings.add(mode + " guest nanoTime: " + nanoTime.get("detail"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"timebase"})
    void vdsoSymbolsMatchObjdumpOfTheGuestsImage(String mode) throws Exception {
        // vdso(7): ppc64 exports __kernel_* at LINUX_2.6.15.
        GuestSuite.VdsoImage image = LAB.vdsoSymbolsMatchObjdump(mode);
        LAB.timings.add("vDSO (" + image.image().length + " bytes): " + image.objdump());
    }

    /** (max - min) / |median| of the samples' offsets; 0 when they are all 0. */
    private static double spread(List<double[]> samples) {
        double[] offsets = samples.stream().mapToDouble(a -> a[1]).sorted().toArray();
        double median = Math.abs(offsets[offsets.length / 2]);
        return median == 0 ? 0 : (offsets[offsets.length - 1] - offsets[0]) / median;
    }

    private static List<double[]> around(List<double[]> samples, double kernelNanos) {
        List<double[]> out = new ArrayList<>();
        for (double[] s : samples == null ? List.<double[]>of() : samples) {
            if (Math.abs(s[0] - kernelNanos) <= WINDOW_SECONDS * 1e9) {
                out.add(s);
            }
        }
        return out;
    }

    @AfterAll
    static void printFigures() throws IOException {
        List<String> out = new ArrayList<>();
        out.add("| clock            | mode     | agent      | agent offset (s)   | C program (s)      |");
        out.add("|------------------|----------|------------|--------------------|--------------------|");
        out.addAll(LAB.table);
        LAB.printFigures(out, "ppc64le-figures.md");
    }
}
