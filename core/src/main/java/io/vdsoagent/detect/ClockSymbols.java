package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the JVM's clock functions resolve, by proof: for each of {@code clock_gettime},
 * {@code gettimeofday} and {@code time}, the file of the mapping that holds the address the global
 * lookup returns, next to libc's own definition. Also the preload settings that explain an interposer.
 */
public final class ClockSymbols {
    private final Map<String, String> resolvedTo;
    private final Probed<Boolean> interposed;
    private final String library;
    private final String ldPreload;
    private final Probed<String> ldSoPreload;
    private final String detail;

    public ClockSymbols(Map<String, String> resolvedTo, Probed<Boolean> interposed, String library, String ldPreload,
                        Probed<String> ldSoPreload, String detail) {
        this.resolvedTo = Collections.unmodifiableMap(new LinkedHashMap<>(resolvedTo));
        this.interposed = interposed;
        this.library = library == null ? "" : library;
        this.ldPreload = ldPreload == null ? "" : ldPreload;
        this.ldSoPreload = ldSoPreload;
        this.detail = detail;
    }

    public static ClockSymbols unknown(String reason) {
        return new ClockSymbols(Collections.<String, String>emptyMap(), Probed.<Boolean>unknown(reason), "", "",
                Probed.<String>unknown(reason), reason);
    }

    /** symbol -> the file (or {@code [vdso]}) its global lookup resolves to. */
    public Map<String, String> resolvedTo() {
        return resolvedTo;
    }

    /** True when any clock function resolves outside libc and the vDSO; unknown when not resolvable. */
    public Probed<Boolean> interposed() {
        return interposed;
    }

    /** The interposing object's path (several joined by ","), empty when none. */
    public String library() {
        return library;
    }

    /** The process's LD_PRELOAD, empty when unset. */
    public String ldPreload() {
        return ldPreload;
    }

    /** /etc/ld.so.preload's entries (space-separated), empty when the file does not exist. */
    public Probed<String> ldSoPreload() {
        return ldSoPreload;
    }

    public String detail() {
        return detail;
    }
}
