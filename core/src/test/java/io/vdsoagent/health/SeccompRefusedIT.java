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
        // The next-ranked detector that answers decides; rusage's tick-sampled share can land in its
        // inconclusive band, and then latency decides. Never seccomp, never a wrong verdict.
        assertTrue(r.output.matches("(?s).*VERDICT thread_cputime syscall (rusage|latency)\\n.*"), r.output);
        assertTrue(r.output.matches("(?s).*VERDICT process_cputime syscall (rusage|latency)\\n.*"), r.output);
        assertTrue(r.output.matches("(?s).*VERDICT monotonic_coarse vdso (rusage|latency)\\n.*"), r.output);
        assertTrue(r.output.matches("(?s).*VERDICT monotonic vdso (rusage|latency)\\n.*"), r.output);
    }
}
