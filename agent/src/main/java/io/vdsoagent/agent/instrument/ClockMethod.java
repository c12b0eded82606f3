package io.vdsoagent.agent.instrument;

import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;

/**
 * The clock entry points whose call sites are rewritten, in the order of ClockCallRecorder's method
 * constants. {@link #label()} is the {@code method} label of the jvm_clock_* metrics.
 *
 * <p>The {@code now()} factories without arguments are included because they read the system clock
 * (through Clock.systemDefaultZone()) and are what application code writes most; their overloads taking
 * a Clock or ZoneId are not, nor are method references to Clock.instant/millis (only static method
 * references are redirected).
 */
enum ClockMethod {
    NANO_TIME("nanoTime", "java/lang/System", "nanoTime", "()J", "nanoTime"),
    CURRENT_TIME_MILLIS("currentTimeMillis", "java/lang/System", "currentTimeMillis", "()J", "currentTimeMillis"),
    INSTANT_NOW("Instant.now", "java/time/Instant", "now", "()Ljava/time/Instant;", "instantNow"),
    CLOCK_INSTANT("Clock.instant", "java/time/Clock", "instant", "()Ljava/time/Instant;", "clockInstant"),
    CLOCK_MILLIS("Clock.millis", "java/time/Clock", "millis", "()J", "clockMillis"),
    LOCAL_DATE_TIME_NOW("LocalDateTime.now", "java/time/LocalDateTime", "now", "()Ljava/time/LocalDateTime;",
            "localDateTimeNow"),
    LOCAL_DATE_NOW("LocalDate.now", "java/time/LocalDate", "now", "()Ljava/time/LocalDate;", "localDateNow"),
    LOCAL_TIME_NOW("LocalTime.now", "java/time/LocalTime", "now", "()Ljava/time/LocalTime;", "localTimeNow"),
    ZONED_DATE_TIME_NOW("ZonedDateTime.now", "java/time/ZonedDateTime", "now", "()Ljava/time/ZonedDateTime;",
            "zonedDateTimeNow"),
    OFFSET_DATE_TIME_NOW("OffsetDateTime.now", "java/time/OffsetDateTime", "now", "()Ljava/time/OffsetDateTime;",
            "offsetDateTimeNow");

    private static final ClockMethod[] ALL = values();

    private final String label;
    private final String owner;
    private final String name;
    private final String descriptor;
    private final String recorderMethod;

    ClockMethod(String label, String owner, String name, String descriptor, String recorderMethod) {
        this.label = label;
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
        this.recorderMethod = recorderMethod;
    }

    String label() {
        return label;
    }

    /** Index into the recorder's per-method arrays (same order as ClockCallRecorder's constants). */
    int index() {
        return ordinal();
    }

    /** Clock.instant()/millis() are instance methods: the receiver stays on the stack as first argument. */
    boolean isVirtual() {
        return "java/time/Clock".equals(owner);
    }

    String recorderMethod() {
        return recorderMethod;
    }

    /** The recorder's descriptor: the target's, with the receiver (if any) first and an int site id last. */
    String recorderDescriptor() {
        String returnType = descriptor.substring(2);
        return isVirtual() ? "(Ljava/time/Clock;I)" + returnType : "(I)" + returnType;
    }

    /** The method an instruction names, or null when it is not one of ours. */
    static ClockMethod of(String owner, String name, String descriptor) {
        for (ClockMethod m : ALL) {
            if (m.name.equals(name) && m.owner.equals(owner) && m.descriptor.equals(descriptor)) {
                return m;
            }
        }
        return null;
    }

    static ClockMethod byIndex(int index) {
        return ALL[index];
    }

    static int count() {
        return ALL.length;
    }

    static {
        // The enum and the recorder's constants must agree; cheap to check once.
        if (ALL.length != io.vdsoagent.bootstrap.clockcall.ClockCallSamples.METHODS
                || OFFSET_DATE_TIME_NOW.ordinal() != ClockCallRecorder.OFFSET_DATE_TIME_NOW
                || CLOCK_MILLIS.ordinal() != ClockCallRecorder.CLOCK_MILLIS) {
            throw new IllegalStateException("ClockMethod and ClockCallRecorder constants disagree");
        }
    }
}
