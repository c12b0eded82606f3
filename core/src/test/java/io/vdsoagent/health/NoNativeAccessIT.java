package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.DebianTools;
import io.vdsoagent.testing.ProbeMain;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM where jffi cannot load its native library (here: its native jar is missing, as when it
 * cannot be extracted): the probe still completes, pure-Java facts stay, native detectors say why.
 */
class NoNativeAccessIT {

    @Test
    void probingWithoutJffiDegradesToUnknownWithTheReason() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.contains("jffi") || !entry.contains("native")) {
                kept.add(entry);
            }
        }
        assertTrue(kept.size() < cp.split(File.pathSeparator).length, "the jffi native jar must be on the test class path");
        String childCp = String.join(File.pathSeparator, kept);
        DebianTools.Result r = DebianTools.run(null, Collections.<String, String>emptyMap(), command(childCp));

        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.output.contains("NATIVE unknown, because"), r.output);
        assertTrue(r.output.contains("seccomp: unknown [inconclusive] - native access unavailable: "), r.output);
        assertFalse(r.output.contains("Exception in thread"), r.output);
        // Pure-Java sources keep working: the clocksource hint still answers the CPU-time clocks.
        assertTrue(r.output.contains("VERDICT thread_cputime syscall clocksource"), r.output);
    }

    private static List<String> command(String cp) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(ProbeMain.class.getName());
        return cmd;
    }
}
