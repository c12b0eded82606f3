package io.vdsoagent.health;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** One clock's verdict, the detector that decided it, every detector's finding, costs and advice. */
public final class ClockStatus {
    private final ClockId clock;
    private final Verdict verdict;
    private final String detector;
    private final List<Finding> findings;
    private final double vdsoNanos;
    private final double syscallNanos;
    private final String remediation;

    public ClockStatus(ClockId clock, Verdict verdict, String detector, List<Finding> findings,
                       double vdsoNanos, double syscallNanos, String remediation) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verdict = Objects.requireNonNull(verdict, "verdict");
        this.detector = detector;
        this.findings = Collections.unmodifiableList(new ArrayList<>(findings));
        this.vdsoNanos = vdsoNanos;
        this.syscallNanos = syscallNanos;
        this.remediation = Objects.requireNonNull(remediation, "remediation");
    }

    public ClockId clock() {
        return clock;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** The highest-ranked detector that answered vdso or syscall; null while unknown. */
    public String detector() {
        return detector;
    }

    /** Every detector's own finding for this clock, highest rank first. */
    public List<Finding> findings() {
        return findings;
    }

    /** The finding of the named detector, or null when it did not run. */
    public Finding finding(String detectorName) {
        for (Finding f : findings) {
            if (f.detector().equals(detectorName)) {
                return f;
            }
        }
        return null;
    }

    /** Per-call ns of libc clock_gettime (the vDSO entry point); NaN when not measured. */
    public double vdsoNanos() {
        return vdsoNanos;
    }

    /** Per-call ns of the raw clock_gettime syscall; NaN when not measured. */
    public double syscallNanos() {
        return syscallNanos;
    }

    /** One line a person can act on; empty when the clock is served by the vDSO. */
    public String remediation() {
        return remediation;
    }

    @Override
    public String toString() {
        return clock.label() + ": " + verdict.label() + (detector == null ? "" : " (" + detector + ")");
    }
}
