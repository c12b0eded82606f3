package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-clock note and the always-present gauge; the degraded value 1 is proven in a real JVM (NativeAccessIT). */
class DegradedMetricsTest {
    private static final String NATIVE = "native access unavailable: jnr: no writable, executable directory";

    @Test
    void aClocksourceGuessAfterANativeFailureSaysSo() {
        ClockStatus guessed = status(Verdict.SYSCALL, "clocksource",
                Finding.nativeUnavailable("seccomp", ClockId.MONOTONIC, NATIVE),
                Finding.of("clocksource", ClockId.MONOTONIC, Verdict.SYSCALL, "hpet has no vDSO mode"));
        assertEquals("verdict is a clocksource-name guess: " + NATIVE, DegradedMetrics.forClock(guessed));
        ClockStatus unknown = status(Verdict.UNKNOWN, null, Finding.nativeUnavailable("seccomp", ClockId.MONOTONIC, NATIVE));
        assertEquals("verdict unknown: " + NATIVE, DegradedMetrics.forClock(unknown));
    }

    @Test
    void aProvenVerdictOrAGuessForAnotherReasonIsNotMarked() {
        assertNull(DegradedMetrics.forClock(status(Verdict.VDSO, "seccomp",
                Finding.of("seccomp", ClockId.MONOTONIC, Verdict.VDSO, "filter not hit"))));
        assertNull(DegradedMetrics.forClock(status(Verdict.VDSO, "clocksource",
                Finding.failed("seccomp", ClockId.MONOTONIC, "seccomp refused: errno 1"),
                Finding.of("clocksource", ClockId.MONOTONIC, Verdict.VDSO, "tsc"))));
    }

    @Test
    void theGaugeExistsAtZeroWhenNothingIsDegraded() {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc"));
        ClockHealthMonitor monitor = new ClockHealthMonitor(Fixtures.prober(host, new ScriptedDetector("seccomp")),
                () -> host.get().clocksource());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DegradedMetrics(monitor).bindTo(registry);
        assertEquals(0, registry.get("vdso.agent.degraded").tag("reason", "native_unavailable").gauge().value());
    }

    private static ClockStatus status(Verdict verdict, String detector, Finding... findings) {
        return new ClockStatus(ClockId.MONOTONIC, verdict, detector, Arrays.asList(findings), Double.NaN, Double.NaN, "");
    }
}
