package io.vdsoagent.bootstrap.clockcall;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * What rewritten call sites call instead of the JDK's clock methods. Each method has the target's
 * signature plus a trailing call-site id assigned at transform time (for {@code Clock.instant()}/{@code
 * millis()} the receiver comes first), counts the call, samples the latency of one call in {@code
 * sample-every} per site and thread, and returns exactly what the original call would have returned.
 *
 * <p>How it counts is the count mode, one per JVM: exact (the default) in the calling thread's own stripe
 * of the site ({@link ClockCallOwnedCounts}; its own table when the stripe is taken), or approximate in a
 * per-site counter striped by thread id ({@link ClockCallSharedCounts}: cheaper, may lose increments when
 * threads of one stripe collide). The mode is a {@code static final} fixed by the first counted call, so
 * the JIT folds the choice away and each entry point compiles to what a recorder of that mode alone would.
 *
 * <p>In the system class loader (where {@code -javaagent} puts the agent jar): application loaders link
 * to it directly, others through {@link ClockCallTrampoline}; JDK only, no logging, no allocation once a thread's table has room for its sites.
 * Method references ({@code System::nanoTime}) are redirected here too: the site id becomes the
 * lambda's captured argument. Which methods, and their indexes into the per-method sample arrays:
 * {@link ClockCallMethods}.
 */
public final class ClockCallRecorder {

    /** Class of Clock.systemUTC() and Clock.systemDefaultZone(): only those read the system clock. */
    private static final Class<?> SYSTEM_CLOCK = Clock.systemUTC().getClass();

    /** The count mode {@link #configure} chose; read once, when the first call counts (see {@link Mode}). */
    private static boolean approximateChosen; // guarded by ClockCallRecorder.class
    private static boolean modeFixed; // guarded by ClockCallRecorder.class

    /**
     * Sets the latency sampling rate (a power of two; other values are ignored) and the count mode. The
     * mode cannot change once a call has been counted: asking for the other one then throws, so the
     * rewriter refuses to start rather than count in a mode nobody asked for.
     */
    public static synchronized void configure(int sampleEvery, boolean approximate) {
        if (modeFixed && approximate != approximateChosen) {
            throw new IllegalStateException("vdso-agent: count-mode is "
                    + (approximateChosen ? "approximate" : "exact") + " already in this JVM");
        }
        approximateChosen = approximate;
        ClockCallSamples.configure(sampleEvery);
    }

    private static synchronized boolean fixMode() {
        modeFixed = true;
        return approximateChosen;
    }

    /** The count mode as a constant: a holder, so reading counts (a scrape) does not fix it too early. */
    private static final class Mode {
        static final boolean APPROXIMATE = fixMode();
    }

    /** Counts a call of {@code site}; returns the new count of the caller's stripe (or table) of the site. */
    private static long count(int site) {
        return Mode.APPROXIMATE ? ClockCallSharedCounts.increment(site) : ClockCallOwnedCounts.increment(site);
    }

    /**
     * Calls counted per site id so far (both modes' counters), into an array of
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
        if (clock.getClass() != SYSTEM_CLOCK) {
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
        if (clock.getClass() != SYSTEM_CLOCK) {
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
