package io.vdsoagent.source.elf;

import io.vdsoagent.testing.DebianTools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs binutils (objdump, readelf) and extracts the facts the ELF parser must agree with. */
final class BinutilsTool {
    private BinutilsTool() {
    }

    /** Fails (never skips) when binutils is missing: the comparison is the point of the test. */
    static String require(String tool) {
        return DebianTools.require(tool, "binutils");
    }

    static String run(String... command) throws IOException, InterruptedException {
        DebianTools.Result result = DebianTools.run(null, command);
        if (result.exitCode != 0) {
            throw new AssertionError(Arrays.toString(command) + " failed:\n" + result.output);
        }
        return result.output;
    }

    /** {@code objdump -p}'s SONAME line, or "" when there is none. */
    static String objdumpSoname(Path file) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^\\s+SONAME\\s+(\\S+)").matcher(run(require("objdump"), "-p", file.toString()));
        return m.find() ? m.group(1) : "";
    }

    /** {@code readelf -n}'s "Build ID:", or "" when there is none. */
    static String readelfBuildId(Path file) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(run(require("readelf"), "-n", file.toString()));
        return m.find() ? m.group(1) : "";
    }

    /** {@code readelf -h}'s Class and Data lines, e.g. [ELF64, little endian]. */
    static List<String> readelfClassAndData(Path file) throws IOException, InterruptedException {
        String out = run(require("readelf"), "-h", file.toString());
        List<String> result = new ArrayList<>();
        for (String key : new String[] {"Class", "Data"}) {
            Matcher m = Pattern.compile("(?m)^\\s+" + key + ":\\s+(.+)$").matcher(out);
            result.add(m.find() ? m.group(1).trim() : "");
        }
        return result;
    }
}
