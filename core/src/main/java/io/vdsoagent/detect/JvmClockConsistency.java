package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import java.util.Objects;

/**
 * Whether one of the JVM's own clock methods agrees with the kernel ({@link JvmClockPath#NANO_TIME}
 * against raw CLOCK_MONOTONIC syscalls, {@link JvmClockPath#CURRENT_TIME_MILLIS} against CLOCK_REALTIME),
 * and for nanoTime whether it went backwards or stood still across a short spin. When it disagrees, the
 * interposer the symbol resolution found (if any) is named: that is what shifts the JVM's time.
 */
public final class JvmClockConsistency {
    private final String method;
    private final ClockConsistency against;
    private final String library;

    public JvmClockConsistency(String method, ClockConsistency against, String library) {
        this.method = Objects.requireNonNull(method, "method");
        this.against = Objects.requireNonNull(against, "against");
        this.library = library == null ? "" : library;
    }

    /** nanoTime or currentTimeMillis. */
    public String method() {
        return method;
    }

    /** The comparison with the kernel clock HotSpot uses for this method. */
    public ClockConsistency comparison() {
        return against;
    }

    public Probed<Boolean> consistent() {
        return against.consistent();
    }

    public boolean wrong() {
        return against.wrong();
    }

    public double offsetSeconds() {
        return against.offsetSeconds();
    }

    /** The interposer the symbol resolution found in front of libc ("" when none or unknown). */
    public String library() {
        return library;
    }

    public String detail() {
        return against.detail();
    }
}
