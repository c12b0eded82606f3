package io.vdsoagent.health;

import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.Probed;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Holds the latest {@link ClockHealth}. It has no threads of its own: the owner (the agent's
 * scheduler, or an application) calls {@link #reprobe()} for full runs and {@link #pollClocksource()}
 * for the cheap check that catches the kernel switching clocksource at runtime (tsc marked unstable).
 * Thread-safe; listeners run on the caller's thread and their failures are swallowed.
 */
public final class ClockHealthMonitor {

    /** Told about every new snapshot. */
    public interface Listener {
        void onChange(ClockHealth before, ClockHealth after, boolean clocksourceChanged);
    }

    private final Prober prober;
    private final Supplier<Probed<ClocksourceFacts>> clocksource;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong clocksourceChanges = new AtomicLong();
    private final Object pollLock = new Object();
    private volatile ClockHealth current;
    private String lastClocksource;

    /**
     * @param clocksource the cheap clocksource re-read (the sources' ClocksourceReader::read); probes once
     *                    now, on the caller's thread
     */
    public ClockHealthMonitor(Prober prober, Supplier<Probed<ClocksourceFacts>> clocksource) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.clocksource = Objects.requireNonNull(clocksource, "clocksource");
        ClockHealth first = prober.probe();
        this.current = first;
        this.lastClocksource = name(first.host().clocksource());
    }

    /** The latest snapshot; never null. */
    public ClockHealth current() {
        return current;
    }

    /** Runs a full probe now and publishes the result. */
    public void reprobe() {
        publish(false);
    }

    /**
     * Re-reads the current clocksource; when it differs from the last one seen, counts the change,
     * reprobes, notifies listeners and returns true.
     */
    public boolean pollClocksource() {
        synchronized (pollLock) {
            String now;
            try {
                now = name(clocksource.get());
            } catch (Throwable t) {
                return false;
            }
            if (now == null || now.equals(lastClocksource)) {
                // An unreadable clocksource is not a change: keep the last known one.
                return false;
            }
            boolean wasKnown = lastClocksource != null;
            lastClocksource = now;
            if (wasKnown) {
                clocksourceChanges.incrementAndGet();
            }
            publish(wasKnown);
            return wasKnown;
        }
    }

    /** How many times the clocksource changed since this monitor started. */
    public long clocksourceChanges() {
        return clocksourceChanges.get();
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    private void publish(boolean clocksourceChanged) {
        ClockHealth before;
        ClockHealth after;
        synchronized (this) {
            before = current;
            after = prober.probe();
            current = after;
        }
        String seen = name(after.host().clocksource());
        synchronized (pollLock) {
            if (seen != null) {
                lastClocksource = seen;
            }
        }
        for (Listener l : listeners) {
            try {
                l.onChange(before, after, clocksourceChanged);
            } catch (Throwable ignored) {
                // A listener's bug must not stop probing or the other listeners.
            }
        }
    }

    private static String name(Probed<ClocksourceFacts> cs) {
        return cs != null && cs.known() ? cs.get().current() : null;
    }
}
