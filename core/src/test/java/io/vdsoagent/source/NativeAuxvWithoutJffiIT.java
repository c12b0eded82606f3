package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A real JVM on the jnr path whose jffi has no native stub at all (the jffi native jar left off the
 * class path; an unplaceable stub ends the same way, see NativeAccessIT): getauxval
 * must answer "unknown, because ..." without throwing, and the pure-Java sources still find the vDSO.
 */
class NativeAuxvWithoutJffiIT {
    @Test
    void withoutNativeAccessEverythingPureJavaStillWorks() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("jffi") || !entry.contains("native")) {
                kept.add(entry);
            }
        }
        Process p = new ProcessBuilder(java, "-Dvdso.native=jnr", "-cp",
                String.join(File.pathSeparator, kept), NativeAuxvProbeMain.class.getName())
                .redirectErrorStream(true).start();
        String out = readAll(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("getauxval=unknown, because native access unavailable: jnr: jffi's stub"), out);
        String auxv = line(out, "auxv=");
        assertTrue(auxv.matches("\\d+"), out);
        assertEquals(auxv, line(out, "vdso="), "HostFactsReader needs no native code");
    }

    private static String line(String out, String prefix) {
        for (String l : out.split("\n")) {
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length()).trim();
            }
        }
        throw new AssertionError("no " + prefix + " in\n" + out);
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
