package io.vdsoagent.detect;

import java.util.Objects;

/**
 * What one detector concluded about one clock, with the detail a person needs to trust it
 * (e.g. "filter hit: errno 3333", "system share 92 % of 25 ms CPU", "ratio 0.04").
 */
public final class Finding {
    /** Why a finding is what it is, where a reader other than a person needs to know: a value, never parsed from the detail. */
    public enum Cause {
        /** The detector ran (or decided not to) for a reason its detail gives. */
        PROBED,
        /** No native access: the detector could not measure anything; the verdict falls to the clocksource name. */
        NATIVE_UNAVAILABLE
    }

    private final String detector;
    /** The built-in detector, carried from the detector that made this finding; null for a custom one. */
    private final DetectorId id;
    private final ClockId clock;
    private final Verdict verdict;
    private final String detail;
    private final boolean error;
    private final double vdsoNanos;
    private final double syscallNanos;
    private final Confidence confidence;
    private final Cause cause;

    private Finding(DetectorId id, String detector, ClockId clock, Verdict verdict, String detail, boolean error,
                    double vdsoNanos, double syscallNanos) {
        this(id, detector, clock, verdict, detail, error, vdsoNanos, syscallNanos, defaultConfidence(id, verdict),
                Cause.PROBED);
    }

    private Finding(DetectorId id, String detector, ClockId clock, Verdict verdict, String detail, boolean error,
                    double vdsoNanos, double syscallNanos, Confidence confidence, Cause cause) {
        this.id = id;
        this.detector = Objects.requireNonNull(detector, "detector");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verdict = Objects.requireNonNull(verdict, "verdict");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.error = error;
        this.vdsoNanos = vdsoNanos;
        this.syscallNanos = syscallNanos;
        this.confidence = verdict == Verdict.UNKNOWN ? Confidence.NONE : Objects.requireNonNull(confidence, "confidence");
        this.cause = Objects.requireNonNull(cause, "cause");
    }

    /** seccomp proves; any other detector is a heuristic of low confidence unless it says more. */
    private static Confidence defaultConfidence(DetectorId id, Verdict verdict) {
        if (verdict == Verdict.UNKNOWN) {
            return Confidence.NONE;
        }
        return id == DetectorId.SECCOMP ? Confidence.PROOF : Confidence.LOW;
    }

    /** The same finding with the confidence its detector measured (ignored for unknown verdicts). */
    public Finding withConfidence(Confidence c) {
        return new Finding(id, detector, clock, verdict, detail, error, vdsoNanos, syscallNanos, c, cause);
    }

    public static Finding of(DetectorId detector, ClockId clock, Verdict verdict, String detail) {
        return new Finding(detector, detector.label(), clock, verdict, detail, false, Double.NaN, Double.NaN);
    }

    /** By name: a custom detector's (ranked after the built-ins), or a built-in's label. */
    public static Finding of(String detector, ClockId clock, Verdict verdict, String detail) {
        return new Finding(DetectorId.byLabel(detector), detector, clock, verdict, detail, false, Double.NaN, Double.NaN);
    }

    /**
     * Unknown because this process (or the proof's) has no native access; {@code detail} is the binding's
     * own reason ({@code NativeAccessLoader.unavailable}). Not a probe error: nothing can be known here.
     */
    public static Finding nativeUnavailable(String detector, ClockId clock, String detail) {
        return new Finding(DetectorId.byLabel(detector), detector, clock, Verdict.UNKNOWN, detail, false, Double.NaN, Double.NaN, Confidence.NONE,
                Cause.NATIVE_UNAVAILABLE);
    }

    /** Unknown because the probe itself failed (timeout, refusal, unexpected result): counted as a probe error. */
    public static Finding failed(DetectorId detector, ClockId clock, String detail) {
        return new Finding(detector, detector.label(), clock, Verdict.UNKNOWN, detail, true, Double.NaN, Double.NaN);
    }

    /** By name: see {@link #of(String, ClockId, Verdict, String)}. */
    public static Finding failed(String detector, ClockId clock, String detail) {
        return new Finding(DetectorId.byLabel(detector), detector, clock, Verdict.UNKNOWN, detail, true, Double.NaN,
                Double.NaN);
    }

    /** A finding that also carries per-call costs of the libc (vDSO entry) path and the raw syscall path. */
    public static Finding timed(DetectorId detector, ClockId clock, Verdict verdict, String detail,
                                double vdsoNanos, double syscallNanos) {
        return new Finding(detector, detector.label(), clock, verdict, detail, false, vdsoNanos, syscallNanos);
    }

    /** By name: see {@link #of(String, ClockId, Verdict, String)}. */
    public static Finding timed(String detector, ClockId clock, Verdict verdict, String detail,
                                double vdsoNanos, double syscallNanos) {
        return new Finding(DetectorId.byLabel(detector), detector, clock, verdict, detail, false, vdsoNanos,
                syscallNanos);
    }

    public String detector() {
        return detector;
    }

    /** The built-in detector that made this finding, or null for a custom one. */
    public DetectorId detectorId() {
        return id;
    }

    /** The rank of its detector (0 highest); custom detectors rank after the built-ins. */
    public int rank() {
        return DetectorId.rankOf(id);
    }

    public ClockId clock() {
        return clock;
    }

    public Verdict verdict() {
        return verdict;
    }

    public String detail() {
        return detail;
    }

    /** True when the probe failed rather than found the question not answerable. */
    public boolean error() {
        return error;
    }

    /** Per-call ns of libc clock_gettime (FFI baseline subtracted), NaN when not measured. */
    public double vdsoNanos() {
        return vdsoNanos;
    }

    /** Per-call ns of the raw syscall (FFI baseline subtracted), NaN when not measured. */
    public double syscallNanos() {
        return syscallNanos;
    }

    public Cause cause() {
        return cause;
    }

    /** PROOF for seccomp; HIGH/MEDIUM/LOW for the heuristics; NONE when unknown. */
    public Confidence confidence() {
        return confidence;
    }

    /** True unless the finding is a proof: it must be worded as a hint wherever it is shown. */
    public boolean isHint() {
        return confidence != Confidence.PROOF;
    }

    /** "proof" or e.g. "hint, high confidence" / "inconclusive": how a report qualifies the verdict. */
    public String qualifier() {
        if (confidence == Confidence.PROOF) {
            return "proof";
        }
        return verdict == Verdict.UNKNOWN ? "inconclusive" : "hint, " + confidence.label() + " confidence";
    }

    @Override
    public String toString() {
        return detector + " " + clock.label() + ": " + verdict.label() + " [" + qualifier() + "] (" + detail + ")";
    }
}
