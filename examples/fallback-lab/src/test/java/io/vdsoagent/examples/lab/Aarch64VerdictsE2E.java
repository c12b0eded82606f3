package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;

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

    /** What arm64's arch_timer driver prints when a device-tree erratum property takes effect. */
    static final String WORKAROUND_LINE = "arch_timer: Enabling global workaround for ";

    private static final GuestSuite LAB = GuestSuite.agentBatch(GuestArch.AARCH64,
            "boot, strace x9, report --json, -javaagent until its line");

    @BeforeAll
    static void tools() {
        Lab.requireTools(GuestArch.AARCH64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void agentVerdictsMatchStraceForEveryClock(String timer) throws Exception {
        guest(timer);
        // The erratum guest must really fall back, the normal one must not.
        LAB.verdictsMatchStrace(timer, run -> String.join("\n", run.section("timer")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void vdsoSymbolsMatchObjdumpOfTheGuestsImage(String timer) throws Exception {
        guest(timer);
        // vdso(7): aarch64 exports __kernel_* at LINUX_2.6.39; anything else means this is not the arm64 vDSO.
        GuestSuite.VdsoImage image = LAB.vdsoSymbolsMatchObjdump(timer);
        String buildId = LAB.assertSameBuildId(image);
        assertEquals(image.image().length, ((Number) image.vdso().get("size")).intValue(), "vDSO size");
        if (timer.equals("normal")) {
            LAB.timings.add("vDSO (" + image.image().length + " bytes, build id " + buildId + "): " + image.objdump());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void javaagentLogsOneLineAndItsMetricsAgreeWithStrace(String timer) throws Exception {
        guest(timer);
        LAB.javaagentLogsOneLineAndItsMetricsAgreeWithStrace(timer);
    }

    /** Issue 31: no false alarm on arm64, with the timer in the vDSO or out of it. */
    @ParameterizedTest
    @ValueSource(strings = {"normal", "erratum"})
    void everyClockIsConsistentAsTheCProgramFinds(String timer) throws Exception {
        guest(timer);
        LAB.everyClockIsConsistentAsTheCProgramFinds(timer);
    }

    /**
     * The guest for a timer mode (booted once); every test of a guest whose kernel did not do what its mode
     * means fails on that premise.
     */
    private static void guest(String timer) throws IOException, InterruptedException {
        List<String> timerLines = LAB.guest(timer).section("timer");
        boolean workaround = timerLines.stream().anyMatch(line -> line.contains(WORKAROUND_LINE));
        if (timer.equals("erratum") && !workaround) {
            fail("premise missing: the erratum guest's dmesg has no \"" + WORKAROUND_LINE + "...\" line, so its kernel "
                    + "did not take the arch timer out of the vDSO:\n" + String.join("\n", timerLines));
        }
        if (timer.equals("normal") && workaround) {
            fail("premise missing: the normal guest's kernel runs a timer workaround:\n" + String.join("\n", timerLines));
        }
    }

    @AfterAll
    static void printFigures() throws IOException {
        LAB.printVerdictFigures("timer", run -> "; " + run.section("timer").stream()
                .filter(line -> line.contains(WORKAROUND_LINE)).findFirst()
                .orElse("no timer workaround").replaceFirst("^\\[[^]]*\\] ", ""), "figures-aarch64.md");
    }
}
