package io.vdsoagent.detect;

import io.vdsoagent.base.Probed;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether one clock's fast path agrees with the kernel: the value a libc {@code clock_gettime} (or a
 * JVM clock method) returned, compared with raw {@code clock_gettime} syscalls of the same clock taken
 * just before and just after it. A fast path that answers without a syscall but with the wrong time
 * (a stale vDSO data page, an interposer that shifts time) is invisible to the vdso/syscall verdicts.
 */
public final class ClockConsistency {
    private final ClockId clock;
    private final Probed<Boolean> consistent;
    private final double offsetSeconds;
    private final double resolutionSeconds;
    /** Formatted on first use: a probe builds nine of these and most are never read (~5 us per format). */
    private final Supplier<String> detailText;
    private volatile String detail;
    private final long kernelFromNanos;
    private final long kernelToNanos;

    public ClockConsistency(ClockId clock, Probed<Boolean> consistent, double offsetSeconds, double resolutionSeconds,
                            String detail) {
        this(clock, consistent, offsetSeconds, resolutionSeconds, constant(Objects.requireNonNull(detail, "detail")), 0, 0);
    }

    /** With the deciding round's kernel bracket (raw syscall values, ns of this clock). */
    public ClockConsistency(ClockId clock, Probed<Boolean> consistent, double offsetSeconds, double resolutionSeconds,
                            Supplier<String> detail, long kernelFromNanos, long kernelToNanos) {
        this.kernelFromNanos = kernelFromNanos;
        this.kernelToNanos = kernelToNanos;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.consistent = Objects.requireNonNull(consistent, "consistent");
        this.offsetSeconds = offsetSeconds;
        this.resolutionSeconds = resolutionSeconds;
        this.detailText = Objects.requireNonNull(detail, "detail");
    }

    public static ClockConsistency unknown(ClockId clock, String reason) {
        return new ClockConsistency(clock, Probed.<Boolean>unknown(reason), Double.NaN, Double.NaN, reason);
    }

    /** The kernel clock the fast path was compared with. */
    public ClockId clock() {
        return clock;
    }

    /** true when the fast path's value lay inside the kernel's bracket (within the allowance). */
    public Probed<Boolean> consistent() {
        return consistent;
    }

    /** Known and inconsistent. */
    public boolean wrong() {
        return consistent.known() && !consistent.get();
    }

    /**
     * The fast path's value minus the middle of the kernel's bracket, in seconds (the deciding round):
     * sub-microsecond on a healthy host, the size of the error on a wrong one. NaN while unknown.
     */
    public double offsetSeconds() {
        return offsetSeconds;
    }

    /** The kernel's clock_getres for this clock (the allowance), NaN when unknown. */
    public double resolutionSeconds() {
        return resolutionSeconds;
    }

    /** The deciding round's first raw syscall value (ns of this clock); 0 while unknown. */
    public long kernelFromNanos() {
        return kernelFromNanos;
    }

    /** The deciding round's second raw syscall value; 0 while unknown. */
    public long kernelToNanos() {
        return kernelToNanos;
    }

    public String detail() {
        String d = detail;
        if (d == null) {
            d = detailText.get();
            detail = d;
        }
        return d;
    }

    private static Supplier<String> constant(final String text) {
        return () -> text;
    }
}
