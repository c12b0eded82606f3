package io.vdsoagent.bootstrap.clockcall;

import java.util.ArrayList;
import java.util.List;

/**
 * The ten clock methods whose call sites are rewritten, listed once: the pre-filter, the recorder, the
 * trampoline and the instrumentation's {@code ClockMethod} all read this table. An index is a method's
 * place in the recorder's per-method arrays. Strings only (internal names and descriptors): the
 * pre-filter reads it on the first classes that load after premain, when java.time must not load yet.
 */
public final class ClockCallMethods {
    public static final int NANO_TIME = 0;
    public static final int CURRENT_TIME_MILLIS = 1;
    public static final int INSTANT_NOW = 2;
    public static final int CLOCK_INSTANT = 3;
    public static final int CLOCK_MILLIS = 4;
    public static final int LOCAL_DATE_TIME_NOW = 5;
    public static final int LOCAL_DATE_NOW = 6;
    public static final int LOCAL_TIME_NOW = 7;
    public static final int ZONED_DATE_TIME_NOW = 8;
    public static final int OFFSET_DATE_TIME_NOW = 9;
    public static final int COUNT = 10;

    private static final String CLOCK = "java/time/Clock";

    /** Per index: owner, name, descriptor of the JDK method, and the recorder's method replacing it. */
    private static final String[][] TABLE = {
        {"java/lang/System", "nanoTime", "()J", "nanoTime"},
        {"java/lang/System", "currentTimeMillis", "()J", "currentTimeMillis"},
        {"java/time/Instant", "now", "()Ljava/time/Instant;", "instantNow"},
        {CLOCK, "instant", "()Ljava/time/Instant;", "clockInstant"},
        {CLOCK, "millis", "()J", "clockMillis"},
        {"java/time/LocalDateTime", "now", "()Ljava/time/LocalDateTime;", "localDateTimeNow"},
        {"java/time/LocalDate", "now", "()Ljava/time/LocalDate;", "localDateNow"},
        {"java/time/LocalTime", "now", "()Ljava/time/LocalTime;", "localTimeNow"},
        {"java/time/ZonedDateTime", "now", "()Ljava/time/ZonedDateTime;", "zonedDateTimeNow"},
        {"java/time/OffsetDateTime", "now", "()Ljava/time/OffsetDateTime;", "offsetDateTimeNow"},
    };

    private ClockCallMethods() {
    }

    /** Internal name of the class declaring the method, e.g. {@code java/lang/System}. */
    public static String owner(int method) {
        return TABLE[method][0];
    }

    public static String name(int method) {
        return TABLE[method][1];
    }

    /** The JDK method's descriptor, e.g. {@code ()J}. */
    public static String descriptor(int method) {
        return TABLE[method][2];
    }

    /** The recorder's (and the trampoline's) static method that replaces it. */
    public static String recorderMethod(int method) {
        return TABLE[method][3];
    }

    /** Clock.instant()/millis() are instance methods: the receiver stays on the stack as first argument. */
    public static boolean isVirtual(int method) {
        return CLOCK.equals(owner(method));
    }

    /** The recorder's descriptor: the target's, with the receiver (if any) first and an int site id last. */
    public static String recorderDescriptor(int method) {
        String returnType = descriptor(method).substring(2);
        return isVirtual(method) ? "(L" + CLOCK + ";I)" + returnType : "(I)" + returnType;
    }

    /** The {@code method} label of the jvm_clock_* metrics: {@code nanoTime}, {@code Instant.now}, ... */
    public static String label(int method) {
        String owner = owner(method);
        return "java/lang/System".equals(owner) ? name(method)
                : owner.substring(owner.lastIndexOf('/') + 1) + "." + name(method);
    }

    /** Every owner, once (for the pre-filter). */
    static String[] owners() {
        return distinct(0);
    }

    /** Every method name, once (for the pre-filter). */
    static String[] names() {
        return distinct(1);
    }

    private static String[] distinct(int column) {
        List<String> out = new ArrayList<String>();
        for (String[] row : TABLE) {
            if (!out.contains(row[column])) {
                out.add(row[column]);
            }
        }
        return out.toArray(new String[0]);
    }
}
