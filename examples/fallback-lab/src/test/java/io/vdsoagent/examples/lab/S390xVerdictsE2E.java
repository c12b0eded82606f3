package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent on a real big-endian kernel: Debian 12's s390x kernel under qemu-system-s390x -machine s390-ccw-virtio
 * (TCG), booted as is (clocksource tod, read by the vDSO) and with {@code clocksource=jiffies highres=off nohz=off}.
 * Unlike ppc64le, s390 keeps the generic vDSO's check of the clocksource's vDSO mode: jiffies has none, so the
 * five high-resolution clocks really make the syscall. The judges: strace's syscall counts per clock for the
 * verdicts (each decided by the seccomp probe, whose filter must find the halves of a 64-bit argument at
 * big-endian offsets), {@code s390x-linux-gnu-objdump -T} and {@code readelf} of the vDSO the guest maps (its
 * DT_HASH has 8-byte entries) for the symbols, the C program clockbracket (before and after the report) for the
 * consistency check, and strace again for the {@code /metrics} of the agent loaded with {@code -javaagent}.
 */
class S390xVerdictsE2E {

    private static final GuestSuite LAB = GuestSuite.agentBatch(GuestArch.S390X,
            "boot, strace x9, vDSO dump, report --json, -javaagent until its line");

    @BeforeAll
    static void tools() {
        Lab.requireTools(GuestArch.S390X);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tod", "jiffies"})
    void agentVerdictsMatchStraceForEveryClock(String mode) throws Exception {
        // jiffies must really fall back, tod must not.
        LAB.verdictsMatchStrace(mode, LabRun::describe);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tod"})
    void vdsoSymbolsMatchObjdumpOfTheGuestsImage(String mode) throws Exception {
        // vdso(7): s390x exports __kernel_* at LINUX_2.6.29; anything else means this is not the s390x vDSO.
        GuestSuite.VdsoImage image = LAB.vdsoSymbolsMatchObjdump(mode);
        String sections = Binutils.run(List.of("s390x-linux-gnu-readelf", "-S", "-W", image.file().toString()));
        // The premise of the parser's 8-byte DT_HASH path: the real image has such a table.
        Matcher hash = Pattern.compile("\\] \\.hash\\s+HASH\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\S+)").matcher(sections);
        assertTrue(hash.find(), () -> "no .hash section in the guest's vDSO:\n" + sections);
        assertEquals("08", hash.group(1), "the .hash entry size readelf -S prints");
        String buildId = LAB.assertSameBuildId(image);
        assertEquals("linux-vdso64.so.1", image.vdso().get("soname"), "DT_SONAME");
        LAB.timings.add("vDSO (" + image.image().length + " bytes, build id " + buildId + ", .hash entries of 8 bytes): "
                + image.objdump());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tod", "jiffies"})
    void javaagentLogsOneLineAndItsMetricsAgreeWithStrace(String mode) throws Exception {
        LAB.javaagentLogsOneLineAndItsMetricsAgreeWithStrace(mode);
    }

    /** No false alarm of the consistency check on a big-endian kernel, in the vDSO or out of it. */
    @ParameterizedTest
    @ValueSource(strings = {"tod", "jiffies"})
    void everyClockIsConsistentAsTheCProgramFinds(String mode) throws Exception {
        LAB.everyClockIsConsistentAsTheCProgramFinds(mode);
    }

    @AfterAll
    static void printFigures() throws IOException {
        LAB.printVerdictFigures("mode", run -> "", "s390x-figures.md");
    }
}
