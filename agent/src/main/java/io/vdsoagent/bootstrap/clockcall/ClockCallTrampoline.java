package io.vdsoagent.bootstrap.clockcall;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * The recorder as seen from a class loader that cannot see the system loader (a loader with a null or
 * platform parent): the agent defines a copy of this class in such a loader, and that loader's rewritten
 * call sites call it instead of the recorder. It names nothing outside java.base: its initialiser finds
 * the real recorder through {@link ClassLoader#getSystemClassLoader()} and keeps one {@code static final} method handle per
 * method, which the JIT treats as a constant and inlines like a direct call. Its copies cannot read
 * {@link ClockCallMethods} (another loader's class), so the names below repeat that table; the
 * instrumentation's {@code ClockMethod} checks at start-up that this class has each of its methods.
 *
 * <p>In the system loader this class is never used.
 */
public final class ClockCallTrampoline {

    /** A string, not a class literal: a copy must not link to the recorder through its own loader. */
    private static final String RECORDER_NAME = "io.vdsoagent.bootstrap.clockcall.ClockCallRecorder";
    private static final Class<?> RECORDER = recorder();

    private static final MethodHandle NANO_TIME = handle(RECORDER, "nanoTime", long.class, int.class);
    private static final MethodHandle CURRENT_TIME_MILLIS = handle(RECORDER, "currentTimeMillis", long.class, int.class);
    private static final MethodHandle INSTANT_NOW = handle(RECORDER, "instantNow", Instant.class, int.class);
    private static final MethodHandle CLOCK_INSTANT = handle(RECORDER, "clockInstant", Instant.class, Clock.class, int.class);
    private static final MethodHandle CLOCK_MILLIS = handle(RECORDER, "clockMillis", long.class, Clock.class, int.class);
    private static final MethodHandle LOCAL_DATE_TIME_NOW = handle(RECORDER, "localDateTimeNow", LocalDateTime.class, int.class);
    private static final MethodHandle LOCAL_DATE_NOW = handle(RECORDER, "localDateNow", LocalDate.class, int.class);
    private static final MethodHandle LOCAL_TIME_NOW = handle(RECORDER, "localTimeNow", LocalTime.class, int.class);
    private static final MethodHandle ZONED_DATE_TIME_NOW = handle(RECORDER, "zonedDateTimeNow", ZonedDateTime.class, int.class);
    private static final MethodHandle OFFSET_DATE_TIME_NOW = handle(RECORDER, "offsetDateTimeNow", OffsetDateTime.class, int.class);


    private ClockCallTrampoline() {
    }

    private static Class<?> recorder() {
        try {
            return Class.forName(RECORDER_NAME, true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("vdso-agent: the recorder is not in the system class loader", e);
        }
    }

    private static MethodHandle handle(Class<?> recorder, String name, Class<?> returnType, Class<?>... parameters) {
        try {
            return MethodHandles.publicLookup().findStatic(recorder, name, MethodType.methodType(returnType, parameters));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("vdso-agent: no recorder method " + name, e);
        }
    }

    /** Rethrows what the clock call threw (only unchecked exceptions can arrive here), unwrapped. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable t) throws T {
        throw (T) t;
    }

    /** Replaces {@code System.nanoTime()}. */
    public static long nanoTime(int site) {
        try {
            return (long) NANO_TIME.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis(int site) {
        try {
            return (long) CURRENT_TIME_MILLIS.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code Instant.now()}. */
    public static Instant instantNow(int site) {
        try {
            return (Instant) INSTANT_NOW.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code Clock.instant()}. */
    public static Instant clockInstant(Clock clock, int site) {
        try {
            return (Instant) CLOCK_INSTANT.invokeExact(clock, site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code Clock.millis()}. */
    public static long clockMillis(Clock clock, int site) {
        try {
            return (long) CLOCK_MILLIS.invokeExact(clock, site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code LocalDateTime.now()}. */
    public static LocalDateTime localDateTimeNow(int site) {
        try {
            return (LocalDateTime) LOCAL_DATE_TIME_NOW.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code LocalDate.now()}. */
    public static LocalDate localDateNow(int site) {
        try {
            return (LocalDate) LOCAL_DATE_NOW.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code LocalTime.now()}. */
    public static LocalTime localTimeNow(int site) {
        try {
            return (LocalTime) LOCAL_TIME_NOW.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code ZonedDateTime.now()}. */
    public static ZonedDateTime zonedDateTimeNow(int site) {
        try {
            return (ZonedDateTime) ZONED_DATE_TIME_NOW.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }

    /** Replaces {@code OffsetDateTime.now()}. */
    public static OffsetDateTime offsetDateTimeNow(int site) {
        try {
            return (OffsetDateTime) OFFSET_DATE_TIME_NOW.invokeExact(site);
        } catch (Throwable t) {
            throw ClockCallTrampoline.<RuntimeException>rethrow(t);
        }
    }
}
