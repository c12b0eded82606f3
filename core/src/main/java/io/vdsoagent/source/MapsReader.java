package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans {@code <root>/proc/self/maps} for the {@code [vdso]}, {@code [vvar*]} and {@code [vsyscall]}
 * lines. A JVM has thousands of mappings, so the file is streamed, not slurped: memory use is one
 * short line, and both line length and total bytes are capped against a garbage file.
 */
public final class MapsReader {
    static final int MAX_LINE_CHARS = 1024;
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private final SystemRoot root;

    public MapsReader(SystemRoot root) {
        this.root = root;
    }

    public Probed<SpecialMappings> read() {
        try (InputStream in = Files.newInputStream(root.resolve("/proc/self/maps"))) {
            return Probed.of(scan(in));
        } catch (Exception e) {
            return Probed.unknown("cannot read " + root.resolve("/proc/self/maps") + ": " + Failures.describe(e));
        }
    }

    static SpecialMappings scan(InputStream in) throws IOException {
        Collector found = new Collector();
        StringBuilder line = new StringBuilder(128);
        byte[] chunk = new byte[16384];
        long total = 0;
        int n;
        while (total < MAX_BYTES && (n = in.read(chunk)) > 0) {
            total += n;
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    found.accept(special(line));
                    line.setLength(0);
                } else if (line.length() < MAX_LINE_CHARS) {
                    line.append((char) (b & 0xff)); // maps is ASCII apart from file names, skipped anyway
                }
            }
        }
        found.accept(special(line)); // a last line without newline
        return new SpecialMappings(found.vdso, found.vvar, found.vsyscall);
    }

    /** Keeps the first [vdso] and [vsyscall], and every [vvar*]. */
    private static final class Collector {
        Mapping vdso;
        Mapping vsyscall;
        final List<Mapping> vvar = new ArrayList<>();

        void accept(Mapping m) {
            if (m == null) {
                return;
            }
            if (m.name().equals("[vdso]") && vdso == null) {
                vdso = m;
            } else if (m.name().equals("[vsyscall]") && vsyscall == null) {
                vsyscall = m;
            } else if (m.name().startsWith("[vvar")) {
                vvar.add(m);
            }
        }
    }

    /** Parses only lines naming a bracketed kernel mapping; the many file mappings are skipped cheaply. */
    private static Mapping special(StringBuilder line) {
        int n = line.length();
        if (n == 0 || line.charAt(n - 1) != ']') {
            return null;
        }
        return Mapping.parse(line.toString());
    }
}
