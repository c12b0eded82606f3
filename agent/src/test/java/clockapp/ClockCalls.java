package clockapp;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A stand-in application: each method reads a clock {@code n} times from one call site and returns
 * something derived from the values, so the calls cannot be optimised away. JDK-only, so it can also be
 * defined in class loaders with a null or platform parent. Outside io.vdsoagent on purpose: the agent
 * never instruments its own packages.
 */
public final class ClockCalls {

    private ClockCalls() {
    }

    /** Returns the number of times the value went backwards (must stay 0). */
    public static long nanoTime(int n) {
        long backwards = 0;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            if (t < last) {
                backwards++;
            }
            last = t;
        }
        return backwards;
    }

    public static long currentTimeMillis(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += System.currentTimeMillis() & 1;
        }
        return sum;
    }

    /** Method reference: the call happens inside the lambda's generated class, not in this class. */
    public static long nanoTimeReference(int n) {
        LongSupplier clock = System::nanoTime;
        long last = 0;
        for (int i = 0; i < n; i++) {
            last = clock.getAsLong();
        }
        return last;
    }

    public static long instantNowReference(int n) {
        Supplier<Instant> clock = Instant::now;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += clock.get().getNano() & 1;
        }
        return sum;
    }

    public static long instantNow(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Instant.now().getNano() & 1;
        }
        return sum;
    }

    public static long systemClockInstantAndMillis(int n) {
        Clock clock = Clock.systemUTC();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (clock.instant().getNano() & 1) + (clock.millis() & 1);
        }
        return sum;
    }

    /** A fixed clock never reads the system clock: these calls must not be counted. */
    public static long fixedClockInstant(int n) {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(42), ZoneOffset.UTC);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += clock.instant().getEpochSecond();
        }
        return sum;
    }

    /** One call each of LocalDateTime/LocalDate/LocalTime/ZonedDateTime/OffsetDateTime.now(), n times. */
    public static long dateTimeNows(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += LocalDateTime.now().getNano() & 1;
            sum += LocalDate.now().getDayOfMonth() & 1;
            sum += LocalTime.now().getNano() & 1;
            sum += ZonedDateTime.now().getNano() & 1;
            sum += OffsetDateTime.now().getNano() & 1;
        }
        return sum;
    }

    /** The values a caller sees, for comparison with the real clock. */
    public static long[] samples() {
        return new long[] {System.nanoTime(), System.currentTimeMillis(), Instant.now().toEpochMilli()};
    }
}
