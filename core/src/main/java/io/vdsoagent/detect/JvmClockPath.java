package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-call cost of the JVM's own clock methods, and whether something sits between the JVM and
 * the vDSO (an LD_PRELOAD interposer such as libfaketime): the JVM path being much slower than
 * a direct libc call of the same clock.
 */
public final class JvmClockPath {
    public static final String NANO_TIME = "nanoTime";
    public static final String CURRENT_TIME_MILLIS = "currentTimeMillis";
    public static final String INSTANT_NOW = "Instant.now";

    private final Map<String, Double> methodNanos;
    private final Probed<Boolean> interposed;
    private final String detail;

    public JvmClockPath(Map<String, Double> methodNanos, Probed<Boolean> interposed, String detail) {
        this.methodNanos = Collections.unmodifiableMap(new LinkedHashMap<>(methodNanos));
        this.interposed = interposed;
        this.detail = detail;
    }

    public static JvmClockPath unknown(String reason) {
        return new JvmClockPath(Collections.<String, Double>emptyMap(), Probed.<Boolean>unknown(reason), reason);
    }

    /** method label (nanoTime, currentTimeMillis, Instant.now) -> median ns per call. */
    public Map<String, Double> methodNanos() {
        return methodNanos;
    }

    public Probed<Boolean> interposed() {
        return interposed;
    }

    /** The measurements and the reason for the interposed answer. */
    public String detail() {
        return detail;
    }
}
