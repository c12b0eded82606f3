package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

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

    /** The JVM per mode (GuestArch.RISCV64): FFM on JDK 25, jnr-ffi on JDK 21. */
    private static final GuestSuite LAB = GuestSuite.agentBatch(GuestArch.RISCV64,
            "boot, strace x9, vDSO dump, report --json, -javaagent until its line");

    @BeforeAll
    static void tools() {
        Lab.requireTools(GuestArch.RISCV64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource", "jiffies"})
    void agentVerdictsMatchStraceForEveryClock(String mode) throws Exception {
        // jiffies must really fall back, riscv_clocksource must not.
        LAB.verdictsMatchStrace(mode, LabRun::describe);
    }

    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource"})
    void vdsoSymbolsMatchObjdumpOfTheGuestsImage(String mode) throws Exception {
        // The riscv64 kernel's vDSO (arch/riscv/kernel/vdso) versions its functions LINUX_4.15; anything else
        // means this is not the riscv64 vDSO.
        GuestSuite.VdsoImage image = LAB.vdsoSymbolsMatchObjdump(mode);
        String buildId = LAB.assertSameBuildId(image);
        assertEquals("linux-vdso.so.1", image.vdso().get("soname"), "DT_SONAME");
        assertEquals(image.image().length, ((Number) image.vdso().get("size")).intValue(), "vDSO size");
        LAB.timings.add("vDSO (" + image.image().length + " bytes, build id " + buildId + "): " + image.objdump());
    }

    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource", "jiffies"})
    void javaagentLogsOneLineAndItsMetricsAgreeWithStrace(String mode) throws Exception {
        LAB.javaagentLogsOneLineAndItsMetricsAgreeWithStrace(mode);
    }

    /** No false alarm of the consistency check on riscv64, in the vDSO or out of it. */
    @ParameterizedTest
    @ValueSource(strings = {"riscv_clocksource", "jiffies"})
    void everyClockIsConsistentAsTheCProgramFinds(String mode) throws Exception {
        LAB.everyClockIsConsistentAsTheCProgramFinds(mode);
    }

    @AfterAll
    static void printFigures() throws IOException {
        LAB.printVerdictFigures("mode", run -> "", "riscv64-figures.md");
    }
}
