package io.vdsoagent.source.elf;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs binutils (objdump, readelf) and extracts the facts the ELF parser must agree with. */
final class BinutilsTool {
    private BinutilsTool() {
    }

    /** Fails (never skips) when binutils is missing: the comparison is the point of the test. */
    static String require(String tool) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin"}) {
            if (new File(dir, tool).canExecute()) {
                return dir + "/" + tool;
            }
        }
        throw new AssertionError(tool + " not found: install Debian package binutils (apt-get install binutils)");
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = readAll(p.getInputStream());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(Arrays.toString(command) + " failed:\n" + out);
        }
        return out;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    /**
     * The defined, non-local symbols of {@code objdump -T} as "name version" ("name" alone when no
     * version column; hidden versions keep objdump's parentheses). A row looks like
     * {@code 0000000000000af0  w   DF .text\t0000000000000386  LINUX_2.6   clock_gettime}:
     * before the tab, address, 7 flag characters and section; after it, size, version, name.
     */
    static TreeSet<String> objdumpDynamicSymbols(Path file) throws IOException, InterruptedException {
        String out = run(require("objdump"), "-T", file.toString());
        int table = out.indexOf("DYNAMIC SYMBOL TABLE:");
        if (table < 0) {
            throw new AssertionError("objdump -T printed no dynamic symbol table:\n" + out);
        }
        TreeSet<String> symbols = new TreeSet<>();
        for (String line : out.substring(table).split("\n")) {
            int tab = line.indexOf('\t');
            if (tab < 0 || !line.matches("^[0-9a-f]{8,16} .*")) {
                continue;
            }
            String left = line.substring(0, tab);
            String[] right = line.substring(tab + 1).trim().split("\\s+");
            boolean local = left.length() > 17 && left.charAt(left.indexOf(' ') + 1) == 'l';
            if (left.endsWith("*UND*") || local) {
                continue;
            }
            symbols.add(right.length >= 3 ? right[right.length - 1] + " " + right[1] : right[right.length - 1]);
        }
        return symbols;
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
