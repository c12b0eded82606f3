package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.ClockBracket;
import io.vdsoagent.testing.ConsistencyMain;
import io.vdsoagent.testing.DebianTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * libfaketime {@code FAKETIME="-1d"} in front of a child JVM: the JVM's clock path disagrees with the
 * kernel and the library is named; libc's own clock_gettime (which the agent calls directly) stays
 * consistent. Ground truth: the C bracket program under the same preload sees its libc realtime one
 * day behind the raw syscall (libfaketime does not touch syscall()), and the package's file list
 * names the library.
 */
class ClockConsistencyFaketimeE2E {

    @Test
    void aJvmUnderLibfaketimeMinusOneDayDisagreesWithTheKernelAndTheLibraryIsNamed() throws Exception {
        DebianTools.require("faketime", "faketime");
        Path lib = JvmClockInterposerE2E.packagedLibfaketime();
        Map<String, String> env = new HashMap<>();
        env.put("LD_PRELOAD", lib.toString());
        env.put("FAKETIME", "-1d");
        Path dir = Files.createTempDirectory("bracket");
        DebianTools.Result truth = DebianTools.run(null, env,
                Arrays.asList(ClockBracket.compile(dir).toString(), "0"));
        assertEquals(0, truth.exitCode, truth.toString());
        double truthRealtime = ClockBracket.offsets(truth.output).get(0) / 1e9;
        assertEquals(-86400, truthRealtime, 1, "libfaketime -1d shifts a C program's realtime: " + truth);

        DebianTools.Result r = ChildJvm.run(env, Collections.<String>emptyList(), ConsistencyMain.class, "1");
        assertEquals(0, r.exitCode, r.toString());
        String library = JvmClockInterposerE2E.line(r.output, "LIBRARY ");
        assertEquals(lib.toRealPath(), Paths.get(library).toRealPath(), r.output);
        assertTrue(r.output.contains("METRIC vdso_jvm_clock_consistent{library=\"" + library
                + "\",method=\"currentTimeMillis\"} 0.0"), r.output);
        assertTrue(r.output.contains("METRIC vdso_jvm_clock_consistent{library=\"" + library
                + "\",method=\"nanoTime\"} 0.0"), r.output);
        double agent = offset(r.output, "vdso_jvm_clock_offset_seconds{method=\"currentTimeMillis\"}");
        assertEquals(truthRealtime, agent, 1.0, "the agent's offset next to the C program's");
        // libc's own clock_gettime is not interposed: every clock of the libc path agrees.
        String probe = JvmClockInterposerE2E.line(r.output, "PROBE 0 ");
        assertTrue(probe.matches("known 9 wrong nanoTime=\\S+ currentTimeMillis=\\S+"), probe);
        String headline = JvmClockInterposerE2E.line(r.output, "HEADLINE ");
        assertTrue(headline.contains("the JVM's clock path DISAGREES with the kernel") && headline.contains(library),
                headline);
        System.out.println("[faketime -1d] C program realtime offset " + truthRealtime + " s, agent currentTimeMillis "
                + agent + " s; " + headline);
    }

    @Test
    void aPlainJvmIsNotFlagged() throws Exception {
        DebianTools.Result r = ChildJvm.run(Collections.singletonMap("LD_PRELOAD", ""),
                Collections.<String>emptyList(), ConsistencyMain.class, "1");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("known 9 wrong", JvmClockInterposerE2E.line(r.output, "PROBE 0 ").trim(), r.output);
        assertTrue(r.output.contains("METRIC vdso_clock_consistent{clock=\"monotonic\"} 1.0"), r.output);
        assertTrue(r.output.contains("METRIC vdso_jvm_clock_consistent{library=\"\",method=\"nanoTime\"} 1.0"), r.output);
    }

    static double offset(String output, String series) {
        for (String l : output.split("\n")) {
            if (l.startsWith("METRIC " + series + " ")) {
                return Double.parseDouble(l.substring(("METRIC " + series + " ").length()).trim());
            }
        }
        throw new AssertionError("no " + series + " in " + output);
    }
}
