package io.vdsoagent.base;

import java.util.Objects;

/**
 * The result of one probe: a value, or "unknown, because ..." with the reason.
 * Every source and detector returns this instead of throwing, so a missing /proc,
 * a refused syscall or a corrupt image degrades one field, never the whole snapshot.
 */
public final class Probed<T> {
    private final T value;
    private final String reason;

    private Probed(T value, String reason) {
        this.value = value;
        this.reason = reason;
    }

    public static <T> Probed<T> of(T value) {
        return new Probed<>(Objects.requireNonNull(value, "value"), null);
    }

    public static <T> Probed<T> unknown(String reason) {
        return new Probed<>(null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean known() {
        return value != null;
    }

    /** The value; only call when {@link #known()}. */
    public T get() {
        if (value == null) {
            throw new IllegalStateException("unknown, because " + reason);
        }
        return value;
    }

    public T orElse(T fallback) {
        return value != null ? value : fallback;
    }

    /** Why the value is unknown, or null when it is known. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return known() ? String.valueOf(value) : "unknown, because " + reason;
    }
}
