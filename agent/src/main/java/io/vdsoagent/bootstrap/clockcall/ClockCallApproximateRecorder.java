package io.vdsoagent.bootstrap.clockcall;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * The count-mode=approximate twin of {@link ClockCallRecorder}: same entry points, but the count is one
 * plain increment of a per-site counter striped by thread id (see {@link ClockCallSharedCounts}), which
 * costs less than the thread-local lookup of exact mode and may lose increments when threads of the same
 * stripe call the same site at the same instant. Sampling and return values are as in exact mode.
 */
public final class ClockCallApproximateRecorder {

    /** Counts a call of {@code site}; returns the new count of this thread's stripe of the site. */
    private static long count(int site) {
        long[] c = ClockCallSharedCounts.counts;
        int i = (site << ClockCallSharedCounts.STRIDE_SHIFT)
                | ((int) Thread.currentThread().getId() & ClockCallSharedCounts.STRIPE_MASK);
        if (i >= 0 && i < c.length) {
            return ++c[i];
        }
        return 1; // a site id the registry did not size for: do not count, never throw into the app
    }

    private ClockCallApproximateRecorder() {
    }

    /** Replaces {@code System.nanoTime()}. */
    public static long nanoTime(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return System.nanoTime();
        }
        long before = System.nanoTime();
        long value = System.nanoTime();
        ClockCallSamples.record(ClockCallMethods.NANO_TIME, value - before);
        return value;
    }

    /** Replaces {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return System.currentTimeMillis();
        }
        long before = System.nanoTime();
        long value = System.currentTimeMillis();
        ClockCallSamples.record(ClockCallMethods.CURRENT_TIME_MILLIS, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code Instant.now()}. */
    public static Instant instantNow(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
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
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
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
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return clock.millis();
        }
        long before = System.nanoTime();
        long value = clock.millis();
        ClockCallSamples.record(ClockCallMethods.CLOCK_MILLIS, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code LocalDateTime.now()}. */
    public static LocalDateTime localDateTimeNow(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return LocalDateTime.now();
        }
        long before = System.nanoTime();
        LocalDateTime value = LocalDateTime.now();
        ClockCallSamples.record(ClockCallMethods.LOCAL_DATE_TIME_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code LocalDate.now()}. */
    public static LocalDate localDateNow(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return LocalDate.now();
        }
        long before = System.nanoTime();
        LocalDate value = LocalDate.now();
        ClockCallSamples.record(ClockCallMethods.LOCAL_DATE_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code LocalTime.now()}. */
    public static LocalTime localTimeNow(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return LocalTime.now();
        }
        long before = System.nanoTime();
        LocalTime value = LocalTime.now();
        ClockCallSamples.record(ClockCallMethods.LOCAL_TIME_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code ZonedDateTime.now()}. */
    public static ZonedDateTime zonedDateTimeNow(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return ZonedDateTime.now();
        }
        long before = System.nanoTime();
        ZonedDateTime value = ZonedDateTime.now();
        ClockCallSamples.record(ClockCallMethods.ZONED_DATE_TIME_NOW, System.nanoTime() - before);
        return value;
    }

    /** Replaces {@code OffsetDateTime.now()}. */
    public static OffsetDateTime offsetDateTimeNow(int site) {
        if ((count(site) & ClockCallSamples.sampleMask) != 0) {
            return OffsetDateTime.now();
        }
        long before = System.nanoTime();
        OffsetDateTime value = OffsetDateTime.now();
        ClockCallSamples.record(ClockCallMethods.OFFSET_DATE_TIME_NOW, System.nanoTime() - before);
        return value;
    }
}
