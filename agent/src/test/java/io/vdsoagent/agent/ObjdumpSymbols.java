package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ground truth for a dumped vDSO: binutils' {@code objdump -T}, as sorted "name@version". */
final class ObjdumpSymbols {
    /** The JSON report's symbol objects: {@code {"name":"...","version":"..."}}. */
    private static final Pattern REPORTED = Pattern.compile("\\{\"name\":\"([^\"]+)\",\"version\":\"([^\"]+)\"\\}");

    private ObjdumpSymbols() {
    }

    /**
     * Defined, non-local dynamic symbols. A row: {@code 0000000000000b10  w   DF .text\t0000000000000386
     * LINUX_2.6   clock_gettime}: before the tab address, flags and section; after it size, version, name.
     */
    static List<String> of(Path image) throws Exception {
        if (!new File("/usr/bin/objdump").canExecute()) {
            throw new AssertionError("objdump not found: install Debian package binutils");
        }
        Process p = new ProcessBuilder("/usr/bin/objdump", "-T", image.toString()).redirectErrorStream(true).start();
        String out = new String(readAll(p.getInputStream()), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        int table = out.indexOf("DYNAMIC SYMBOL TABLE:");
        if (table < 0) {
            throw new AssertionError("objdump -T printed no dynamic symbol table:\n" + out);
        }
        List<String> symbols = new ArrayList<>();
        for (String line : out.substring(table).split("\n")) {
            int tab = line.indexOf('\t');
            if (tab < 0 || !line.matches("^[0-9a-f]{8,16} .*")) {
                continue;
            }
            String left = line.substring(0, tab);
            String[] right = line.substring(tab + 1).trim().split("\\s+");
            boolean local = left.charAt(left.indexOf(' ') + 1) == 'l';
            if (left.endsWith("*UND*") || local || right.length < 3) {
                continue;
            }
            symbols.add(right[right.length - 1] + "@" + right[1]);
        }
        Collections.sort(symbols);
        return symbols;
    }

    /** The symbols a JSON report lists, sorted the same way. */
    static List<String> reported(String json) {
        List<String> symbols = new ArrayList<>();
        Matcher m = REPORTED.matcher(json);
        while (m.find()) {
            symbols.add(m.group(1) + "@" + m.group(2));
        }
        Collections.sort(symbols);
        return symbols;
    }

    private static byte[] readAll(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
