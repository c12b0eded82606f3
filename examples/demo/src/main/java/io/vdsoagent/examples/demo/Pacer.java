package io.vdsoagent.examples.demo;

/**
 * Keeps a steady rate without drifting: the number of reads due is computed from the time elapsed
 * since the start, so a late wake-up catches up instead of lowering the rate.
 * Pure arithmetic on the nanos it is given, so it can be tested without sleeping.
 */
final class Pacer {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double ratePerSecond;
    private long done;

    Pacer(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive [" + ratePerSecond + "]");
        }
        this.ratePerSecond = ratePerSecond;
    }

    /** How many reads to make now, given the nanos elapsed since the start; counts them as done. */
    long takeDue(long elapsedNanos) {
        long due = (long) Math.floor(elapsedNanos / (double) NANOS_PER_SECOND * ratePerSecond);
        long now = Math.max(0, due - done);
        done += now;
        return now;
    }

    /** Nanos from {@code elapsedNanos} until the next read falls due (0 if one is due already). */
    long nanosUntilNext(long elapsedNanos) {
        long nextAt = (long) Math.ceil((done + 1) * NANOS_PER_SECOND / ratePerSecond);
        return Math.max(0, nextAt - elapsedNanos);
    }
}
