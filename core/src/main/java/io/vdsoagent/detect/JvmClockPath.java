package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's own clock path: whether something sits between the JVM and libc/the vDSO (an LD_PRELOAD
 * interposer such as libfaketime), decided by where the clock functions resolve
 * ({@link ClockSymbolResolver}); and the per-call cost of the JVM's clock methods, with a timing
 * comparison against a direct libc call that only supports the proof (it cannot see an interposer
 * that adds tens of ns, and load can fake one).
 */
public final class JvmClockPath {
    public static final String NANO_TIME = "nanoTime";
    public static final String CURRENT_TIME_MILLIS = "currentTimeMillis";
    public static final String INSTANT_NOW = "Instant.now";

    private final Map<String, Double> methodNanos;
    private final ClockSymbols symbols;
    private final Probed<Boolean> timingHint;
    private final String timingDetail;

    public JvmClockPath(Map<String, Double> methodNanos, ClockSymbols symbols, Probed<Boolean> timingHint,
                        String timingDetail) {
        this.methodNanos = Collections.unmodifiableMap(new LinkedHashMap<>(methodNanos));
        this.symbols = symbols;
        this.timingHint = timingHint;
        this.timingDetail = timingDetail;
    }

    /** Timing only, no resolution (kept for callers that have no symbols): interposed stays unknown. */
    public JvmClockPath(Map<String, Double> methodNanos, Probed<Boolean> timingHint, String timingDetail) {
        this(methodNanos, ClockSymbols.unknown("symbol resolution not run"), timingHint, timingDetail);
    }

    public static JvmClockPath unknown(String reason) {
        return new JvmClockPath(Collections.<String, Double>emptyMap(), ClockSymbols.unknown(reason),
                Probed.<Boolean>unknown(reason), reason);
    }

    /** method label (nanoTime, currentTimeMillis, Instant.now) -> median ns per call. */
    public Map<String, Double> methodNanos() {
        return methodNanos;
    }

    /** By proof (symbol resolution): true when a clock function resolves outside libc and the vDSO. */
    public Probed<Boolean> interposed() {
        return symbols.interposed();
    }

    /** The interposing library's path, empty when none or unknown. */
    public String library() {
        return symbols.library();
    }

    public ClockSymbols symbols() {
        return symbols;
    }

    /** The timing comparison's opinion: supporting only, never the verdict. */
    public Probed<Boolean> timingHint() {
        return timingHint;
    }

    public String timingDetail() {
        return timingDetail;
    }

    /** The proof and, after it, the timing hint. */
    public String detail() {
        return symbols.detail() + "; timing (a hint, not the verdict): " + timingDetail;
    }
}
