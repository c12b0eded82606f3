package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.ClockSymbolsMain;
import io.vdsoagent.testing.DebianTools;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The opposite case on a machine made busy on purpose (every core spinning): load slows the JVM's
 * clock loop and once fooled the timing rule, but where a symbol resolves does not depend on load.
 * Ground truth: the child starts with no LD_PRELOAD and the host has no /etc/ld.so.preload.
 */
class JvmClockNotInterposedBusyIT {

    @Test
    void aPlainJvmOnABusyMachineIsNotInterposed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(new java.io.File("/etc/ld.so.preload").exists(),
                "this host preloads a library for every process (/etc/ld.so.preload)");
        List<Process> spinners = new ArrayList<>();
        try {
            for (int i = 0; i < Math.max(2, Runtime.getRuntime().availableProcessors()); i++) {
                // Bounded: even if this JVM dies, the loops end after 60 s.
                spinners.add(new ProcessBuilder("timeout", "60", "sh", "-c", "while :; do :; done")
                        .redirectErrorStream(true).start());
            }
            java.util.Map<String, String> env = Collections.singletonMap("LD_PRELOAD", "");
            DebianTools.Result r = ChildJvm.run(env, Collections.<String>emptyList(), ClockSymbolsMain.class);
            for (Process p : spinners) {
                assertTrue(p.isAlive(), "a busy loop ended before the child finished: the machine was not busy throughout");
            }
            assertEquals(0, r.exitCode, r.toString());
            assertTrue(r.output.contains("INTERPOSED false"), r.output);
            assertEquals("", JvmClockInterposerE2E.line(r.output, "LIBRARY "), r.output);
            assertEquals("vdso_jvm_clock_interposed{library=\"\"} 0.0", JvmClockInterposerE2E.line(r.output, "METRIC "), r.output);
            assertTrue(!JvmClockInterposerE2E.line(r.output, "HEADLINE ").contains("INTERPOSED"), r.output);
            System.out.println("[busy] " + JvmClockInterposerE2E.line(r.output, "DETAIL "));
        } finally {
            for (Process p : spinners) {
                p.destroy();
            }
        }
    }
}
