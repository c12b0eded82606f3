package io.vdsoagent.agent;

import io.vdsoagent.testing.ObjdumpDynamicSymbols;
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

    /** Ground truth: {@code objdump -T}'s versioned symbols (the report lists a version for each). */
    static List<String> of(Path image) throws Exception {
        List<String> symbols = new ArrayList<>();
        for (String symbol : ObjdumpDynamicSymbols.of(image)) {
            if (symbol.contains("@")) {
                symbols.add(symbol);
            }
        }
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
}
