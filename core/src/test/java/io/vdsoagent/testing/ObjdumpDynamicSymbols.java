package io.vdsoagent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ground truth for a vDSO's (or any shared object's) symbols: binutils' {@code objdump -T}, the host's or
 * a cross one's output, as the defined, non-local dynamic symbols "name@version" ("name" alone without a
 * version column; hidden versions keep objdump's parentheses).
 */
public final class ObjdumpDynamicSymbols {
    /**
     * {@code 0000000000000340 g    DF .text\t0000000000000294  LINUX_2.6.39 __kernel_clock_gettime}: before
     * the tab address, 7 flag characters (the first 'l' for local) and section; after it size, version, name.
     */
    private static final Pattern ROW = Pattern.compile("^[0-9a-f]{8,16} (.{7}) (\\S+)\\t[0-9a-f]+\\s+(?:(\\S+)\\s+)?(\\S+)$");

    private ObjdumpDynamicSymbols() {
    }

    /** The host's {@code objdump -T} of a file; fails naming Debian package binutils when it is missing. */
    public static TreeSet<String> of(Path file) throws IOException, InterruptedException {
        DebianTools.Result objdump = DebianTools.run(null, DebianTools.require("objdump", "binutils"), "-T", file.toString());
        if (objdump.exitCode != 0) {
            fail("objdump -T " + file + " failed: " + objdump);
        }
        return parse(objdump.output);
    }

    /** The symbols of {@code objdump -T}'s printed table. */
    public static TreeSet<String> parse(String objdumpOutput) {
        int table = objdumpOutput.indexOf("DYNAMIC SYMBOL TABLE:");
        if (table < 0) {
            fail("objdump -T printed no dynamic symbol table:\n" + objdumpOutput);
        }
        TreeSet<String> symbols = new TreeSet<>();
        for (String line : objdumpOutput.substring(table).split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches() && row.group(1).charAt(0) != 'l' && !row.group(2).equals("*UND*")) {
                symbols.add(row.group(3) == null ? row.group(4) : row.group(4) + "@" + row.group(3));
            }
        }
        return symbols;
    }
}
