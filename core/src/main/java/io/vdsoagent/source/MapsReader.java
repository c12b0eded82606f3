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
        return read(NO_ADDRESS);
    }

    /**
     * Also keeps the mapping that starts at {@code address}, named or not (the vDSO's cross-check: gVisor
     * maps it unnamed). Only lines starting with that address are parsed for it, so the scan stays cheap.
     */
    public Probed<SpecialMappings> read(long address) {
        try (InputStream in = Files.newInputStream(root.resolve("/proc/self/maps"))) {
            return Probed.of(scan(in, address));
        } catch (Exception e) {
            return Probed.unknown("cannot read " + root.resolve("/proc/self/maps") + ": " + Failures.describe(e));
        }
    }

    private static final long NO_ADDRESS = 0;

    static SpecialMappings scan(InputStream in) throws IOException {
        return scan(in, NO_ADDRESS);
    }

    static SpecialMappings scan(InputStream in, long address) throws IOException {
        // maps prints addresses as %08lx: the start of the line we look for, exactly.
        String prefix = address == NO_ADDRESS ? null : String.format(java.util.Locale.ROOT, "%08x-", address);
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
                    found.acceptAt(prefix, line);
                    line.setLength(0);
                } else if (line.length() < MAX_LINE_CHARS) {
                    line.append((char) (b & 0xff)); // maps is ASCII apart from file names, skipped anyway
                }
            }
        }
        found.accept(special(line)); // a last line without newline
        found.acceptAt(prefix, line);
        return new SpecialMappings(found.vdso, found.vvar, found.vsyscall, found.atAddress);
    }

    /** Keeps the first [vdso] and [vsyscall], and every [vvar*]. */
    private static final class Collector {
        Mapping vdso;
        Mapping vsyscall;
        Mapping atAddress;
        final List<Mapping> vvar = new ArrayList<>();

        void acceptAt(String prefix, StringBuilder line) {
            if (prefix != null && atAddress == null && startsWith(line, prefix)) {
                atAddress = Mapping.parse(line.toString());
            }
        }

        private static boolean startsWith(StringBuilder line, String prefix) {
            if (line.length() < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line.charAt(i) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

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
