package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.source.Mapping;
import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.SystemRoot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proves whether something sits in front of libc for the JVM's clock calls. HotSpot calls
 * {@code clock_gettime} (and, on older JDKs, {@code gettimeofday}/{@code time}) through the dynamic
 * linker's global lookup, where an LD_PRELOAD or /etc/ld.so.preload library comes before libc. So
 * {@code dlsym(RTLD_DEFAULT, name)} returns the address the JVM really calls; the file of the
 * {@code /proc/self/maps} line holding it names the object. It is compared with libc's own definition
 * ({@code dlsym} on libc's handle) and the vDSO: anything else is an interposer, named by its path.
 */
public final class ClockSymbolResolver {
    public static final List<String> SYMBOLS =
            Collections.unmodifiableList(Arrays.asList("clock_gettime", "gettimeofday", "time"));
    static final long MAX_MAPS_BYTES = 64L * 1024 * 1024;
    private static final int RTLD_LAZY = 1;
    private static final int RTLD_NOLOAD = 4;
    private static final String[] LIBC_SONAMES = {"libc.so.6", "libc.so"};

    /** Where symbols resolve (the libc binding live, a table in tests). 0 means not found. */
    public interface Lookup {
        /** {@code dlsym(RTLD_DEFAULT, symbol)}: the global lookup the JVM's own calls go through. */
        long global(String symbol) throws Exception;

        /** libc's own definition of the symbol, 0 when libc's handle is not available. */
        long libcOwn(String symbol) throws Exception;
    }

    private final Lookup lookup;
    private final SystemRoot root;
    private final String ldPreload;

    /**
     * @param ldPreload the process's LD_PRELOAD (null when unset); a fact reported next to the proof
     */
    public ClockSymbolResolver(Lookup lookup, SystemRoot root, String ldPreload) {
        this.lookup = lookup;
        this.root = root;
        this.ldPreload = ldPreload;
    }

    /** The live resolver: this process's dynamic linker, maps and environment. */
    public static ClockSymbols resolveLive() {
        return resolveLive(NativeAccessLoader.shared());
    }

    /** The live resolver through the given libc binding (the caller's: one binding per probe). */
    public static ClockSymbols resolveLive(Probed<NativeAccess> na) {
        if (!na.known()) {
            return ClockSymbols.unknown(NativeAccessLoader.unavailable(na.reason()));
        }
        return new ClockSymbolResolver(new LiveLookup(na.get()), SystemRoot.live(), System.getenv("LD_PRELOAD"))
                .resolve();
    }

    /** Never throws: anything that cannot be resolved becomes unknown, saying why. */
    public ClockSymbols resolve() {
        Probed<String> ldSo = ldSoPreload();
        Map<String, Long> global = new LinkedHashMap<>();
        Map<String, Long> own = new LinkedHashMap<>();
        try {
            for (String s : SYMBOLS) {
                global.put(s, lookup.global(s));
                own.put(s, lookup.libcOwn(s));
            }
        } catch (Throwable t) {
            return withFacts("dlsym failed: " + Failures.describe(t), ldSo);
        }
        List<Mapping> maps;
        try {
            maps = containing(new ArrayList<>(global.values()), new ArrayList<>(own.values()));
        } catch (Exception e) {
            return withFacts("cannot read " + root.resolve("/proc/self/maps") + ": " + describe(e), ldSo);
        }
        Map<String, String> resolvedTo = new LinkedHashMap<>();
        Set<String> interposers = new LinkedHashSet<>();
        List<String> parts = new ArrayList<>();
        for (String s : SYMBOLS) {
            long g = global.get(s);
            if (g == 0) {
                parts.add(s + " not found by the global lookup");
                continue;
            }
            String file = fileOf(maps, g);
            resolvedTo.put(s, file);
            long o = own.get(s);
            boolean libcOwn = o != 0 ? o == g || file.equals(fileOf(maps, o)) : looksLikeLibc(file);
            if (libcOwn) {
                parts.add(s + " -> libc's own (" + file + ")");
            } else if (file.equals("[vdso]")) {
                parts.add(s + " -> the vDSO directly");
            } else {
                interposers.add(file);
                parts.add(s + " -> " + file + (o != 0 ? ", not libc's own (" + fileOf(maps, o) + ")" : ", not libc"));
            }
        }
        if (resolvedTo.isEmpty()) {
            return withFacts("no clock function found by the global lookup: " + String.join("; ", parts), ldSo);
        }
        String library = String.join(",", interposers);
        String detail = String.join("; ", parts) + facts(ldSo);
        return new ClockSymbols(resolvedTo, Probed.of(!interposers.isEmpty()), library, ldPreload, ldSo, detail);
    }

    private ClockSymbols withFacts(String reason, Probed<String> ldSo) {
        return new ClockSymbols(Collections.<String, String>emptyMap(), Probed.<Boolean>unknown(reason), "", ldPreload,
                ldSo, reason + facts(ldSo));
    }

    private String facts(Probed<String> ldSo) {
        return "; LD_PRELOAD " + (ldPreload == null || ldPreload.isEmpty() ? "unset" : "[" + ldPreload + "]")
                + ", /etc/ld.so.preload " + (!ldSo.known() ? ldSo.toString()
                : ldSo.get().isEmpty() ? "absent or empty" : "[" + ldSo.get() + "]");
    }

    /** The entries of /etc/ld.so.preload (whitespace-separated, '#' comments dropped); "" when absent. */
    Probed<String> ldSoPreload() {
        Path p = root.resolve("/etc/ld.so.preload");
        try {
            byte[] bytes = readCapped(p, 64 * 1024);
            StringBuilder out = new StringBuilder();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                int hash = line.indexOf('#');
                String entries = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!entries.isEmpty()) {
                    out.append(out.length() == 0 ? "" : " ").append(entries.replaceAll("[\\s:]+", " "));
                }
            }
            return Probed.of(out.toString());
        } catch (NoSuchFileException e) {
            return Probed.of("");
        } catch (Exception e) {
            return Probed.unknown("cannot read " + p + ": " + describe(e));
        }
    }

    /** The maps lines holding any of the addresses (streamed: a JVM has thousands of mappings). */
    private List<Mapping> containing(List<Long> a, List<Long> b) throws IOException {
        List<Long> wanted = new ArrayList<>(a);
        wanted.addAll(b);
        List<Mapping> out = new ArrayList<>();
        long total = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Files.newInputStream(root.resolve("/proc/self/maps")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && total < MAX_MAPS_BYTES) {
                total += line.length() + 1;
                if (holdsAny(line, wanted)) {
                    Mapping m = Mapping.parse(line); // the full parse only for the few lines that matter
                    if (m != null) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    /** Reads just the line's address range (a JVM has thousands of mappings; most are skipped here). */
    static boolean holdsAny(String line, List<Long> addresses) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash <= 0 || space <= dash) {
            return false;
        }
        long start;
        long end;
        try {
            start = Long.parseUnsignedLong(line.substring(0, dash), 16);
            end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        } catch (NumberFormatException e) {
            return false;
        }
        for (long addr : addresses) {
            if (addr != 0 && Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0) {
                return true;
            }
        }
        return false;
    }

    private static byte[] readCapped(Path p, int cap) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > cap) {
                    throw new IOException(p + " is larger than " + cap + " bytes");
                }
            }
            return out.toByteArray();
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }

    static String fileOf(List<Mapping> maps, long address) {
        for (Mapping m : maps) {
            if (Long.compareUnsigned(address, m.start()) >= 0 && Long.compareUnsigned(address, m.end()) < 0) {
                return m.name().isEmpty() ? "anonymous memory" : m.name();
            }
        }
        return "unmapped address";
    }

    /** Only when libc's own handle is unavailable: glibc (libc.so.6, libc-2.NN.so) or musl by name. */
    static boolean looksLikeLibc(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        return base.equals("libc.so.6") || base.equals("libc.so") || base.matches("libc-[0-9.]+\\.so")
                || base.startsWith("ld-musl-");
    }

    /** dlsym through the libc binding; libc's handle from dlopen(RTLD_NOLOAD), cached. */
    private static final class LiveLookup implements Lookup {
        private static volatile long libcHandle;
        private final NativeAccess libc;

        LiveLookup(NativeAccess libc) {
            this.libc = libc;
        }

        @Override
        public long global(String symbol) {
            return libc.dlsym(NativeAccess.RTLD_DEFAULT, symbol);
        }

        @Override
        public long libcOwn(String symbol) {
            long h = libcHandle;
            if (h == 0) {
                for (String soname : LIBC_SONAMES) {
                    h = libc.dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
                    if (h != 0) {
                        break;
                    }
                }
                libcHandle = h;
            }
            return h == 0 ? 0 : libc.dlsym(h, symbol);
        }
    }
}
