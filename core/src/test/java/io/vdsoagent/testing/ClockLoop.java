package io.vdsoagent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Compiles the C ground-truth program {@code clockloop.c} with gcc into a directory. */
public final class ClockLoop {
    private ClockLoop() {
    }

    public static Path compile(Path dir) throws Exception {
        String gcc = DebianTools.require("gcc", "gcc");
        Path source = dir.resolve("clockloop.c");
        try (InputStream in = ClockLoop.class.getResourceAsStream("/io/vdsoagent/detect/clockloop.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path binary = dir.resolve("clockloop");
        DebianTools.Result r = DebianTools.run(null, gcc, "-O2", "-o", binary.toString(), source.toString());
        assertEquals(0, r.exitCode, "gcc: " + r);
        return binary;
    }

    /** Runs the loop and returns its ns per call. */
    public static double nanosPerCall(Path binary, int clockId, long calls) throws Exception {
        DebianTools.Result r = DebianTools.run(null, binary.toString(), String.valueOf(clockId), String.valueOf(calls));
        assertEquals(0, r.exitCode, r.toString());
        for (String line : r.output.split("\n")) {
            if (line.startsWith("ns_per_call ")) {
                return Double.parseDouble(line.split(" ")[1]);
            }
        }
        fail("no ns_per_call in " + r);
        return Double.NaN;
    }
}
