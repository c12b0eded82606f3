package io.vdsoagent.source;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** {@code /sys/devices/system/clocksource/clocksource0/{current,available}_clocksource}. */
public final class ClocksourceFacts {
    private final String current;
    private final List<String> available;

    public ClocksourceFacts(String current, List<String> available) {
        this.current = Objects.requireNonNull(current, "current");
        this.available = Collections.unmodifiableList(new java.util.ArrayList<>(available));
    }

    public String current() {
        return current;
    }

    public List<String> available() {
        return available;
    }

    @Override
    public String toString() {
        return current + " (available: " + String.join(" ", available) + ")";
    }
}
