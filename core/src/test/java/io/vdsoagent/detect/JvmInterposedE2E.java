package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.DebianTools;
import io.vdsoagent.testing.ProbeMain;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ground truth: we preload a clock_gettime interposer (a stand-in for libfaketime) or we don't. */
class JvmInterposedE2E {

    @Test
    void anLdPreloadInterposerIsReportedAndItsAbsenceToo(@TempDir Path tmp) throws Exception {
        String gcc = DebianTools.require("gcc", "gcc");
        Path source = tmp.resolve("slowclock.c");
        try (InputStream in = getClass().getResourceAsStream("slowclock.c")) {
            Files.copy(in, source);
        }
        Path lib = tmp.resolve("libslowclock.so");
        DebianTools.Result cc = DebianTools.run(null, gcc, "-shared", "-fPIC", "-O2", "-o", lib.toString(),
                source.toString(), "-ldl");
        assertEquals(0, cc.exitCode, cc.toString());

        DebianTools.Result plain = ChildJvm.run(Collections.<String, String>emptyMap(),
                Collections.<String>emptyList(), ProbeMain.class);
        assertEquals(0, plain.exitCode, plain.toString());
        assertTrue(plain.output.contains("INTERPOSED false"), plain.output);

        DebianTools.Result preloaded = ChildJvm.run(Collections.singletonMap("LD_PRELOAD", lib.toString()),
                Collections.<String>emptyList(), ProbeMain.class);
        assertEquals(0, preloaded.exitCode, preloaded.toString());
        assertTrue(preloaded.output.contains("INTERPOSED true"), preloaded.output);
        // The interposer does not change where libc's own clock_gettime goes: still the vDSO.
        assertTrue(preloaded.output.contains("VERDICT monotonic vdso seccomp"), preloaded.output);
        System.out.println(line(plain.output, "JVMPATH") + "\n" + line(preloaded.output, "JVMPATH"));
    }

    private static String line(String output, String prefix) {
        for (String l : output.split("\n")) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        return "";
    }
}
