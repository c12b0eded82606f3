package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.DebianTools;
import io.vdsoagent.testing.SeccompRefusedMain;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose threads may not call seccomp() (as under a strict container profile): the seccomp
 * detector reports "refused", not a verdict, and the rusage detector, run for the undecided
 * clocks, decides the kernel facts: CPU-time clocks syscall, coarse clocks vDSO.
 */
class SeccompRefusedIT {

    @Test
    void aRefusedSeccompIsInconclusiveAndRusageDecides() throws Exception {
        DebianTools.Result r = ChildJvm.run(Collections.<String, String>emptyMap(),
                Collections.<String>emptyList(), SeccompRefusedMain.class, "rusageWallCapMillis=10000");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.output.contains("seccomp: unknown - seccomp refused: errno 1"), r.output);
        assertTrue(r.output.contains("VERDICT thread_cputime syscall rusage"), r.output);
        assertTrue(r.output.contains("VERDICT process_cputime syscall rusage"), r.output);
        assertTrue(r.output.contains("VERDICT monotonic_coarse vdso rusage"), r.output);
    }
}
