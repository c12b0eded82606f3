package io.vdsoagent.publish;

import io.vdsoagent.base.Failures;
import io.vdsoagent.health.ClockHealthMonitor;
import java.io.Closeable;

/**
 * JDK Flight Recorder events for one monitor's snapshots: the verdict per clock (periodic), a clocksource
 * change, a fallback, the kernel log's reason (names and fields: README, "JDK Flight Recorder"). JFR's API
 * ({@code jdk.jfr}) exists from JDK 11: the events live in the Java 11 part ({@code src/main/java11},
 * package {@code publish.jfr}), loaded by name here, so core still loads on JDK 8, where this does nothing.
 *
 * <p>Nothing of JFR is touched while no recording runs: {@link #poll()} (the owner calls it at its
 * clocksource-poll period) only asks {@code FlightRecorder.isInitialized()}, one class and a volatile read,
 * and registers the events once a recording has started the recorder (at start-up or later by
 * {@code jcmd JFR.start}). Use: {@link #create()} before the service, {@code onPoll(events::poll)}, then
 * {@link #record(ClockHealthMonitor)} once the service has its monitor; {@link #close()} with the service.
 */
public final class FlightRecorderEvents implements Closeable {
    static final String IMPLEMENTATION = "io.vdsoagent.publish.jfr.JfrClockEvents";

    /** What the Java 11 part implements; called on one thread at a time. */
    public interface Sink {
        /** Registers the events with JFR if a recording has initialized it; true only on the call that did. */
        boolean poll(ClockHealthMonitor monitor);

        /** Unregisters whatever {@link #poll} registered. */
        void close();
    }

    private final Sink sink;
    private final String unavailable;
    private volatile ClockHealthMonitor monitor;

    private FlightRecorderEvents(Sink sink, String unavailable) {
        this.sink = sink;
        this.unavailable = unavailable;
    }

    /** The events where this JDK has JFR's API; otherwise an instance that does nothing and says why. */
    public static FlightRecorderEvents create() {
        try {
            Class.forName("jdk.jfr.FlightRecorder", false, FlightRecorderEvents.class.getClassLoader());
        } catch (Throwable t) {
            return new FlightRecorderEvents(null, "no jdk.jfr in this JDK (" + Failures.describe(t) + ")");
        }
        try {
            Sink sink = (Sink) Class.forName(IMPLEMENTATION).getDeclaredConstructor().newInstance();
            return new FlightRecorderEvents(sink, null);
        } catch (Throwable t) {
            return new FlightRecorderEvents(null, Failures.describe(t));
        }
    }

    /**
     * From now on snapshots of {@code monitor} are recorded; checks for a running recording at once.
     * @return as {@link #poll()}
     */
    public boolean record(ClockHealthMonitor monitor) {
        this.monitor = monitor;
        return poll();
    }

    /**
     * The owner's periodic check for a recording; cheap. Never throws.
     * @return true on the one call that registered the events (a recording had started JFR)
     */
    public synchronized boolean poll() {
        ClockHealthMonitor m = monitor;
        if (sink == null || m == null) {
            return false;
        }
        try {
            return sink.poll(m);
        } catch (Throwable ignored) {
            // JFR refusing our events must not stop the owner's schedule.
            return false;
        }
    }

    /** Null when the events can be recorded, else why not (no jdk.jfr before JDK 11). */
    public String unavailable() {
        return unavailable;
    }

    @Override
    public synchronized void close() {
        if (sink != null) {
            try {
                sink.close();
            } catch (Throwable ignored) {
                // closing on shutdown: nothing left to tell
            }
        }
    }
}
