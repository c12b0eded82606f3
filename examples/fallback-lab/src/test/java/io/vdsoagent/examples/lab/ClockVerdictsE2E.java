package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One guest per clocksource: strace counts the clock_gettime syscalls of a libc loop for every clock
 * id (the judge), in the same guest as the agent's verdicts.
 */
class ClockVerdictsE2E {

    /** Calls per clock: large enough that N/2 vs N/10 is unmistakable, small enough for strace under TCG. */
    static final int N = 2000;

    private static final List<String> FIGURES = new ArrayList<>();

    @BeforeAll
    static void tools() {
        Lab.requireTools();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hpet", "acpi_pm", "tsc"})
    void straceProvesEveryClockOneWayOrTheOther(String clocksource) throws Exception {
        String script = Lab.quote(Lab.MODULE_DIR.resolve("guest/verdicts.sh")) + " "
                + Lab.quote(Lab.clockloop()) + " " + N;
        LabRun run = Lab.run("verdicts-" + clocksource, clocksource, Duration.ofSeconds(300), List.of(), script);
        assertEquals(0, run.exitCode(), run::describe);

        StraceTruth truth = StraceTruth.parse(run.section("truth"));
        assertEquals(clocksource, truth.clocksource(), run::describe);
        assertEquals(LabClock.values().length, truth.verdicts().size(), "a truth line per clock\n" + run.describe());
        List<String> surprises = new ArrayList<>();
        for (LabClock clock : LabClock.values()) {
            String verdict = truth.verdicts().get(clock);
            assertTrue(verdict.equals("syscall") || verdict.equals("vdso"),
                    clock + " on " + clocksource + ": " + truth.calls().get(clock) + " syscalls for " + N
                            + " calls is neither > N/2 nor < N/10\n" + run.describe());
            if (!verdict.equals(clock.expectedVerdict(clocksource))) {
                surprises.add(clock + " " + verdict);
            }
            FIGURES.add(String.format("| %-16s | %-8s | %-7s | %6d |", clock.label, clocksource, verdict,
                    truth.calls().get(clock)));
        }
        // The kernel sources are a hint, strace the judge: a difference is news, not a failure.
        System.out.println("[lab] " + clocksource + ": strace "
                + (surprises.isEmpty() ? "agrees with the kernel-source expectation" : "differs from the kernel-source expectation: " + surprises)
                + "; guest wall " + run.wallMillis() + " ms");
    }

    @AfterAll
    static void printFigures() {
        System.out.println("[lab] | clock            | clocksrc | strace  | calls  |");
        FIGURES.forEach(line -> System.out.println("[lab] " + line));
    }
}
