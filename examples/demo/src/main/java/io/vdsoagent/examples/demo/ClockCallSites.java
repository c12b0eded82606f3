package io.vdsoagent.examples.demo;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The demo's clock reads, each from its own call site so the agent's per-call-site metrics
 * (jvm_clock_callsite_calls_total{site=...}) have four distinct rows to show.
 */
final class ClockCallSites {
    static final int COUNT = 4;

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
        // A method reference compiles to an invokedynamic, not an invokestatic: the agent has to
        // rewrite the LambdaMetafactory target to see it. Created here rather than in a static field
        // because the agent leaves static initialisers alone; a non-capturing reference is created
        // once per call site by the JVM, so this does not allocate per call.
        LongSupplier nanoTime = System::nanoTime;
        return nanoTime.getAsLong();
    }
}
