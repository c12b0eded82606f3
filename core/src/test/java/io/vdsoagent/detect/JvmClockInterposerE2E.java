package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.ClockSymbolsMain;
import io.vdsoagent.testing.DebianTools;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real interposer from Debian: a child JVM under libfaketime. Ground truth is the package's own
 * file list (dpkg -L libfaketime): the agent must name exactly that library, not "something slow".
 */
class JvmClockInterposerE2E {

    @Test
    void aJvmUnderLibfaketimeIsInterposedWithTheLibraryNamed() throws Exception {
        DebianTools.require("faketime", "faketime");
        Path lib = packagedLibfaketime();
        // What faketime(1) does: preload the library, configure it by environment ('+0 x1' = real time).
        Map<String, String> env = new HashMap<>();
        env.put("LD_PRELOAD", lib.toString());
        env.put("FAKETIME", "+0 x1");
        DebianTools.Result r = ChildJvm.run(env, Collections.<String>emptyList(), ClockSymbolsMain.class);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.output.contains("INTERPOSED true"), r.output);
        assertEquals(lib.toRealPath().toString(), Paths.get(line(r.output, "LIBRARY ")).toRealPath().toString(), r.output);
        assertTrue(line(r.output, "RESOLVED ").contains("clock_gettime=" + line(r.output, "LIBRARY ")), r.output);
        String library = line(r.output, "LIBRARY ");
        assertEquals("vdso_jvm_clock_interposed{library=\"" + library + "\"} 1.0", line(r.output, "METRIC "), r.output);
        // (libfaketime, even at '+0', also hands nanoTime a realtime-based value: the consistency part follows.)
        assertTrue(line(r.output, "HEADLINE ").contains("the JVM's clock calls are INTERPOSED by " + library), r.output);
        assertTrue(line(r.output, "JSON ").contains("\"ldPreload\":\"" + lib + "\""), "LD_PRELOAD reported as a fact");
        System.out.println("[libfaketime] " + line(r.output, "DETAIL "));
    }

    @Test
    void theFaketimeWrapperCommandIsSeenToo() throws Exception {
        String faketime = DebianTools.require("faketime", "faketime");
        Path lib = packagedLibfaketime();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        DebianTools.Result r = DebianTools.run(null, Arrays.asList(faketime, "-f", "+0 x1", java, "-cp", cp,
                ClockSymbolsMain.class.getName()));
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.output.contains("INTERPOSED true"), r.output);
        // faketime(1) may preload libfaketimeMT instead: either way a file of the libfaketime package.
        String named = Paths.get(line(r.output, "LIBRARY ")).toRealPath().toString();
        assertEquals(lib.toRealPath().getParent().toString(), Paths.get(named).getParent().toString(), r.output);
        assertTrue(Paths.get(named).getFileName().toString().startsWith("libfaketime"), r.output);
    }

    static Path packagedLibfaketime() throws Exception {
        DebianTools.Result files = DebianTools.run(null, "dpkg", "-L", "libfaketime");
        assertEquals(0, files.exitCode, "install Debian package faketime (libfaketime): " + files);
        for (String f : files.output.split("\n")) {
            if (f.endsWith("/libfaketime.so.1")) {
                return Paths.get(f.trim());
            }
        }
        throw new AssertionError("libfaketime.so.1 not in dpkg -L libfaketime: " + files.output);
    }

    static String line(String output, String prefix) {
        for (String l : output.split("\n")) {
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length()).trim();
            }
        }
        return "";
    }
}
