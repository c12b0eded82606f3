package io.vdsoagent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/** Compiles and runs the C ground truth {@code clockbracket.c}: libc clock_gettime between two raw syscalls. */
public final class ClockBracket {
    private ClockBracket() {
    }

    public static Path compile(Path dir) throws Exception {
        String gcc = DebianTools.require("gcc", "gcc");
        Path source = dir.resolve("clockbracket.c");
        try (InputStream in = ClockBracket.class.getResourceAsStream("/io/vdsoagent/detect/clockbracket.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path binary = dir.resolve("clockbracket");
        DebianTools.Result r = DebianTools.run(null, gcc, "-O2", "-o", binary.toString(), source.toString());
        assertEquals(0, r.exitCode, "gcc: " + r);
        return binary;
    }

    /** clock id -> libc's value minus the middle of the raw bracket, ns, as the program measured it. */
    public static Map<Integer, Long> offsets(String output) {
        Map<Integer, Long> out = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 6 && f[0].equals("bracket")) {
                out.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
            }
        }
        return out;
    }
}
