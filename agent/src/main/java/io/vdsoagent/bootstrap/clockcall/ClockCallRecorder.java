package io.vdsoagent.bootstrap.clockcall;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * What rewritten call sites call instead of the JDK's clock methods when count-mode=exact (the default).
 * Each method has the target's signature plus a trailing call-site id assigned at transform time (for
 * {@code Clock.instant()}/{@code millis()} the receiver comes first), counts the call exactly in the
 * calling thread's own stripe of the site ({@link ClockCallOwnedCounts}; its own table when the
 * stripe is taken), samples the latency of one call in {@code sample-every} per site and
 * thread, and returns exactly what the original call would have returned.
 *
 * <p>In the system class loader (where {@code -javaagent} puts the agent jar): application loaders link
 * to it directly, others through {@link ClockCallTrampoline}; JDK only, no logging, no allocation once a thread's table has room for its sites.
 * Method references ({@code System::nanoTime}) are redirected here too: the site id becomes the
 * lambda's captured argument. Which methods, and their indexes into the per-method sample arrays:
 * {@link ClockCallMethods}.
 */
public final class ClockCallRecorder {

    /** Class of Clock.systemUTC() and Clock.systemDefaultZone(): only those read the system clock. */
    static final Class<?> SYSTEM_CLOCK = Clock.systemUTC().getClass();

    /** Sets the latency sampling rate (a power of two; other values are ignored). */
    public static void configure(int sampleEvery) {
        ClockCallSamples.configure(sampleEvery);
    }

    /**
     * Calls counted per site id so far, exact and approximate modes together, into an array of
     * {@code siteCapacity} entries (index = site id). Takes a lock; meant for scrapes, not hot paths.
     */
    public static long[] siteCounts(int siteCapacity) {
        long[] totals = new long[siteCapacity];
        ClockCallOwnedCounts.addAllTo(totals);
        ClockCallCounts.addAllTo(totals);
        ClockCallSharedCounts.addAllTo(totals);
        return totals;
    }

    /** Per-thread count tables held now (live threads and dead ones not yet folded): bounded by thread churn. */
    public static int threadTables() {
        return ClockCallCounts.tables();
    }

    private ClockCallRecorder() {
    }

    /** Replaces {@code System.nanoTime()}. */
    public static long nanoTime(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return System.nanoTime();
        }
        long before = System.nanoTime();
        long value = System.nanoTime();
        ClockCallSamples.record(ClockCallMethods.NANO_TIME, value - before);
        return value;
    }

    /** Replaces {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return System.currentTimeMillis();
        }
        long before = System.nanoTime();
        long value = System.currentTimeMillis();
        ClockCallSamples.record(ClockCallMethods.CURRENT_TIME_MILLIS, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code Instant.now()}. */
    public static Instant instantNow(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return Instant.now();
        }
        long before = System.nanoTime();
        Instant value = Instant.now();
        ClockCallSamples.record(ClockCallMethods.INSTANT_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code Clock.instant()}. */
    public static Instant clockInstant(Clock clock, int site) {
        if (clock.getClass() != ClockCallRecorder.SYSTEM_CLOCK) {
            return clock.instant(); // a fixed or application clock does not read the system clock
        }
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return clock.instant();
        }
        long before = System.nanoTime();
        Instant value = clock.instant();
        ClockCallSamples.record(ClockCallMethods.CLOCK_INSTANT, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code Clock.millis()}. */
    public static long clockMillis(Clock clock, int site) {
        if (clock.getClass() != ClockCallRecorder.SYSTEM_CLOCK) {
            return clock.millis(); // a fixed or application clock does not read the system clock
        }
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return clock.millis();
        }
        long before = System.nanoTime();
        long value = clock.millis();
        ClockCallSamples.record(ClockCallMethods.CLOCK_MILLIS, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code LocalDateTime.now()}. */
    public static LocalDateTime localDateTimeNow(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return LocalDateTime.now();
        }
        long before = System.nanoTime();
        LocalDateTime value = LocalDateTime.now();
        ClockCallSamples.record(ClockCallMethods.LOCAL_DATE_TIME_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code LocalDate.now()}. */
    public static LocalDate localDateNow(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return LocalDate.now();
        }
        long before = System.nanoTime();
        LocalDate value = LocalDate.now();
        ClockCallSamples.record(ClockCallMethods.LOCAL_DATE_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code LocalTime.now()}. */
    public static LocalTime localTimeNow(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return LocalTime.now();
        }
        long before = System.nanoTime();
        LocalTime value = LocalTime.now();
        ClockCallSamples.record(ClockCallMethods.LOCAL_TIME_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code ZonedDateTime.now()}. */
    public static ZonedDateTime zonedDateTimeNow(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return ZonedDateTime.now();
        }
        long before = System.nanoTime();
        ZonedDateTime value = ZonedDateTime.now();
        ClockCallSamples.record(ClockCallMethods.ZONED_DATE_TIME_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code OffsetDateTime.now()}. */
    public static OffsetDateTime offsetDateTimeNow(int site) {
        if ((ClockCallOwnedCounts.increment(site) & ClockCallSamples.sampleMask) != 0) {
            return OffsetDateTime.now();
        }
        long before = System.nanoTime();
        OffsetDateTime value = OffsetDateTime.now();
        ClockCallSamples.record(ClockCallMethods.OFFSET_DATE_TIME_NOW, System.nanoTime() - before);
        return value;
    }
}
