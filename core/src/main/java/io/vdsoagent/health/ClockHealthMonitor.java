package io.vdsoagent.health;

import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.base.Probed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final ConcurrentHashMap<String, AtomicLong> probeErrors = new ConcurrentHashMap<>();
    private final Object pollLock = new Object();
    private volatile ClockHealth current;
    private String lastClocksource;

    /** Probes once now, on the caller's thread; {@code reader} is the cheap re-read for {@link #pollClocksource()}. */
    public ClockHealthMonitor(Prober prober, final ClocksourceReader reader) {
        this(prober, new Supplier<Probed<ClocksourceFacts>>() {
            @Override
            public Probed<ClocksourceFacts> get() {
                return reader.read();
            }
        });
    }

    /** As above with any clocksource supplier (tests, custom roots). */
    public ClockHealthMonitor(Prober prober, Supplier<Probed<ClocksourceFacts>> clocksource) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.clocksource = Objects.requireNonNull(clocksource, "clocksource");
        ClockHealth first = prober.probe();
        countErrors(first);
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

    /** Failures of the named probe (e.g. seccomp, vdso, native) summed over every run so far. */
    public long probeErrors(String probe) {
        AtomicLong n = probeErrors.get(probe);
        return n == null ? 0 : n.get();
    }

    /** Counts one failure of {@code probe} outside a probe run (e.g. {@link ProbeId#METRICS}). */
    public void recordError(String probe) {
        count(probe, 1);
    }

    private void countErrors(ClockHealth health) {
        for (Map.Entry<String, Integer> e : health.probeErrors().entrySet()) {
            count(e.getKey(), e.getValue());
        }
    }

    private void count(String probe, long n) {
        AtomicLong counter = probeErrors.get(probe);
        if (counter == null) {
            probeErrors.putIfAbsent(probe, new AtomicLong());
            counter = probeErrors.get(probe);
        }
        counter.addAndGet(n);
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
            countErrors(after);
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
