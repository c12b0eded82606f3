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
    private final Probed<Boolean> standingStill;
    private final Probed<Boolean> backwards;

    public JvmClockConsistency(String method, ClockConsistency against, String library) {
        this(method, against, library, Probed.<Boolean>unknown("not spun"), Probed.<Boolean>unknown("not spun"));
    }

    /** With what the spin saw (nanoTime only). */
    public JvmClockConsistency(String method, ClockConsistency against, String library, Probed<Boolean> standingStill,
                               Probed<Boolean> backwards) {
        this.method = Objects.requireNonNull(method, "method");
        this.against = Objects.requireNonNull(against, "against");
        this.library = library == null ? "" : library;
        this.standingStill = Objects.requireNonNull(standingStill, "standingStill");
        this.backwards = Objects.requireNonNull(backwards, "backwards");
    }

    /** The spin: the method returned one value while the kernel's clock advanced past twice its resolution. */
    public Probed<Boolean> standingStill() {
        return standingStill;
    }

    /** The spin: a later call returned a smaller value. */
    public Probed<Boolean> backwards() {
        return backwards;
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
