package io.vdsoagent.examples.demo;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The demo's clock reads, each from its own call site so the agent's per-call-site metrics
 * (jvm_clock_callsite_calls_total{site=...}) have four distinct rows to show.
 */
final class ClockCallSites {
    static final int COUNT = 4;

    // A method reference compiles to an invokedynamic, not an invokestatic: the agent has to
    // rewrite the LambdaMetafactory target to see it, so it is worth having in the demo.
    private static final LongSupplier NANO_TIME_REFERENCE = System::nanoTime;

    private ClockCallSites() {
    }

    /** Reads call site {@code index % COUNT} once and returns something derived from the value. */
    static long read(int index) {
        switch (index % COUNT) {
            case 0:
                return monotonicNanos();
            case 1:
                return wallClockMillis();
            case 2:
                return instantNow();
            default:
                return viaMethodReference();
        }
    }

    static long monotonicNanos() {
        return System.nanoTime();
    }

    static long wallClockMillis() {
        return System.currentTimeMillis();
    }

    static long instantNow() {
        return Instant.now().getNano();
    }

    static long viaMethodReference() {
        return NANO_TIME_REFERENCE.getAsLong();
    }
}
