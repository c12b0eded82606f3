package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cross binutils' view of a vDSO image dumped in an aarch64 guest: {@code aarch64-linux-gnu-objdump -T}
 * and {@code aarch64-linux-gnu-readelf -n} (package binutils-aarch64-linux-gnu), the judges of the
 * agent's ELF parse.
 */
final class Binutils {

    /** {@code 0000000000000340 g    DF .text\t0000000000000294  LINUX_2.6.39 __kernel_clock_gettime}. */
    private static final Pattern DYNAMIC_SYMBOL = Pattern.compile("^[0-9a-f]{8,16} (.{7}) (\\S+)\\t[0-9a-f]+\\s+(?:(\\S+)\\s+)?(\\S+)$");
    private static final Pattern BUILD_ID = Pattern.compile("Build ID: ([0-9a-f]+)");

    private Binutils() {
    }

    /**
     * The defined, non-local dynamic symbols as "name@version" ("name" without a version column; hidden
     * versions keep objdump's parentheses).
     */
    static TreeSet<String> dynamicSymbols(String objdumpOutput) {
        int table = objdumpOutput.indexOf("DYNAMIC SYMBOL TABLE:");
        if (table < 0) {
            fail("objdump -T printed no dynamic symbol table:\n" + objdumpOutput);
        }
        TreeSet<String> symbols = new TreeSet<>();
        for (String line : objdumpOutput.substring(table).split("\n")) {
            Matcher row = DYNAMIC_SYMBOL.matcher(line);
            if (row.matches() && row.group(1).charAt(0) != 'l' && !row.group(2).equals("*UND*")) {
                symbols.add(row.group(3) == null ? row.group(4) : row.group(4) + "@" + row.group(3));
            }
        }
        return symbols;
    }

    /** The GNU build-id note's hex, or "" when readelf shows none. */
    static String buildId(String readelfOutput) {
        Matcher id = BUILD_ID.matcher(readelfOutput);
        return id.find() ? id.group(1) : "";
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail(command + " failed:\n" + out);
        }
        return out;
    }

    static String objdumpT(Path image) throws IOException, InterruptedException {
        return run(List.of("aarch64-linux-gnu-objdump", "-T", image.toString()));
    }

    static String readelfNotes(Path image) throws IOException, InterruptedException {
        return run(List.of("aarch64-linux-gnu-readelf", "-n", image.toString()));
    }
}
