package io.vdsoagent.agent.instrument;

import io.vdsoagent.bootstrap.clockcall.ClockCallMethods;

/**
 * The clock entry points whose call sites are rewritten: a typed view of {@link ClockCallMethods}, the
 * one table (its order, names and descriptors). {@link #label()} is the {@code method} label of the
 * jvm_clock_* metrics.
 *
 * <p>The {@code now()} factories without arguments are included because they read the system clock
 * (through Clock.systemDefaultZone()) and are what application code writes most; their overloads taking
 * a Clock or ZoneId are not, nor are method references to Clock.instant/millis (only static method
 * references are redirected).
 */
enum ClockMethod {
    NANO_TIME(ClockCallMethods.NANO_TIME),
    CURRENT_TIME_MILLIS(ClockCallMethods.CURRENT_TIME_MILLIS),
    INSTANT_NOW(ClockCallMethods.INSTANT_NOW),
    CLOCK_INSTANT(ClockCallMethods.CLOCK_INSTANT),
    CLOCK_MILLIS(ClockCallMethods.CLOCK_MILLIS),
    LOCAL_DATE_TIME_NOW(ClockCallMethods.LOCAL_DATE_TIME_NOW),
    LOCAL_DATE_NOW(ClockCallMethods.LOCAL_DATE_NOW),
    LOCAL_TIME_NOW(ClockCallMethods.LOCAL_TIME_NOW),
    ZONED_DATE_TIME_NOW(ClockCallMethods.ZONED_DATE_TIME_NOW),
    OFFSET_DATE_TIME_NOW(ClockCallMethods.OFFSET_DATE_TIME_NOW);

    private static final ClockMethod[] ALL = values();

    private final String label;
    private final String owner;
    private final String name;
    private final String descriptor;
    private final String recorderMethod;
    private final String recorderDescriptor;
    private final boolean virtual;

    ClockMethod(int index) {
        this.label = ClockCallMethods.label(index);
        this.owner = ClockCallMethods.owner(index);
        this.name = ClockCallMethods.name(index);
        this.descriptor = ClockCallMethods.descriptor(index);
        this.recorderMethod = ClockCallMethods.recorderMethod(index);
        this.recorderDescriptor = ClockCallMethods.recorderDescriptor(index);
        this.virtual = ClockCallMethods.isVirtual(index);
    }

    String label() {
        return label;
    }

    /** Index into the recorder's per-method arrays ({@link ClockCallMethods}). */
    int index() {
        return ordinal();
    }

    /** Clock.instant()/millis() are instance methods: the receiver stays on the stack as first argument. */
    boolean isVirtual() {
        return virtual;
    }

    String recorderMethod() {
        return recorderMethod;
    }

    /** The recorder's descriptor: the target's, with the receiver (if any) first and an int site id last. */
    String recorderDescriptor() {
        return recorderDescriptor;
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
        // The enum is the table's typed view: same length, each constant at its own index.
        if (ALL.length != ClockCallMethods.COUNT) {
            throw new IllegalStateException("ClockMethod and ClockCallMethods disagree");
        }
        for (ClockMethod m : ALL) {
            if (!m.label.equals(ClockCallMethods.label(m.ordinal()))) {
                throw new IllegalStateException("ClockMethod and ClockCallMethods disagree at " + m);
            }
        }
    }
}
