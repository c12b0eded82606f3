package io.vdsoagent.source;

import java.util.Locale;
import java.util.Objects;

/**
 * One kernel log line that explains a clock fallback or a clocksource switch, with its time since
 * boot: e.g. kind {@code clocksource_unstable} subject {@code tsc}, or kind
 * {@code arch_timer_workaround} subject {@code HiSilicon erratum 161010101}.
 */
public final class KernelClockEvent {
    /** A clocksource was marked unstable (tsc by the watchdog, or "Marking TSC unstable due to ..."). */
    public static final String UNSTABLE = "clocksource_unstable";
    /** The kernel switched to another clocksource. */
    public static final String SWITCH = "clocksource_switch";
    /** xen's pvclock cannot be read by the vDSO: clock_gettime makes the syscall. */
    public static final String XEN_NO_VDSO = "xen_pvclock_no_vdso";
    /** arm64 arch timer erratum workaround: the kernel turns the vDSO counter read off. */
    public static final String ARCH_TIMER_WORKAROUND = "arch_timer_workaround";

    private final String kind;
    private final String subject;
    private final double bootSeconds;
    private final String message;

    public KernelClockEvent(String kind, String subject, double bootSeconds, String message) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.bootSeconds = bootSeconds;
        this.message = Objects.requireNonNull(message, "message");
    }

    public String kind() {
        return kind;
    }

    /** The clocksource or erratum the line is about. */
    public String subject() {
        return subject;
    }

    /** Seconds since boot when the kernel logged it. */
    public double bootSeconds() {
        return bootSeconds;
    }

    /** The kernel's own words (control characters replaced, at most 200 characters). */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "[%.3f s] %s", bootSeconds, message);
    }
}
