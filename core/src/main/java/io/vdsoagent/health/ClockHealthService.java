package io.vdsoagent.health;

import io.vdsoagent.base.DaemonThreads;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.SeccompRunner;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.SystemRoot;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Owns probing and refresh: the {@link Prober}, the {@link ClockHealthMonitor} holding the latest
 * snapshot, and (when asked for) one daemon scheduler thread, {@value #REFRESH_THREAD}-1, that polls the
 * clocksource every {@code clocksourcePoll} and re-probes every {@code interval}. {@link #close()} stops
 * that thread and waits for a running probe to end. The agent, the CLI and an application (the Spring
 * Boot example) all start clock health through this class.
 */
public final class ClockHealthService implements Closeable {
    /** Prefix of the refresh thread's name. */
    public static final String REFRESH_THREAD = "vdso-agent-refresh";

    /** Told about a refresh task that threw; the schedule goes on. */
    public interface FailureHandler {
        void failed(String task, Throwable failure);
    }

    private final ClockHealthMonitor monitor;
    private final ScheduledExecutorService scheduler;
    private final FailureHandler onFailure;
    private final AtomicLong refreshFailures = new AtomicLong();

    private ClockHealthService(Builder b, ClockHealthMonitor monitor) {
        this.monitor = monitor;
        this.onFailure = b.onFailure;
        for (ClockHealthMonitor.Listener l : b.listeners) {
            monitor.addListener(l);
        }
        if (b.intervalMillis <= 0) {
            this.scheduler = null;
            return;
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(REFRESH_THREAD));
        scheduler.scheduleWithFixedDelay(guarded("clocksource poll", monitor::pollClocksource),
                b.clocksourcePollMillis, b.clocksourcePollMillis, TimeUnit.MILLISECONDS);
        for (Runnable task : b.onPoll) {
            scheduler.scheduleWithFixedDelay(guarded("poll task", task),
                    b.clocksourcePollMillis, b.clocksourcePollMillis, TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(guarded("re-probe", monitor::reprobe),
                b.intervalMillis, b.intervalMillis, TimeUnit.MILLISECONDS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The monitor to bind metrics to and to listen on. */
    public ClockHealthMonitor monitor() {
        return monitor;
    }

    /** The latest snapshot; never null. */
    public ClockHealth current() {
        return monitor.current();
    }

    /** Refresh tasks that threw so far (each also went to the failure handler). */
    public long refreshFailures() {
        return refreshFailures.get();
    }

    /** Stops the refresh thread; waits up to 5 s for a probe in progress. Idempotent. */
    @Override
    public void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task that throws would be cancelled silently by the scheduler: count it, report it, keep the schedule. */
    private Runnable guarded(final String task, final Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                refreshFailures.incrementAndGet();
                try {
                    onFailure.failed(task, t);
                } catch (Throwable ignored) {
                    // A handler's own bug is already a counted refresh failure.
                }
            }
        };
    }

    /** Configures a {@link ClockHealthService}; {@link #start()} probes once, on the caller's thread. */
    public static final class Builder {
        private SystemRoot root = SystemRoot.live();
        private Set<DetectorId> detectors = EnumSet.allOf(DetectorId.class);
        private Prober prober;
        private SeccompRunner seccompRunner;
        private Supplier<Probed<NativeAccess>> nativeAccess;
        private Supplier<Probed<ClocksourceFacts>> clocksource;
        private long intervalMillis;
        private long clocksourcePollMillis;
        private FailureHandler onFailure = (task, failure) -> { };
        private final List<ClockHealthMonitor.Listener> listeners = new ArrayList<>();
        private final List<Runnable> onPoll = new ArrayList<>();

        private Builder() {
        }

        /** Where /proc and /sys live; a fixture tree in tests. */
        public Builder root(SystemRoot root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /** The detectors to run (all by default); ignored when {@link #prober(Prober)} is given. */
        public Builder detectors(Set<DetectorId> detectors) {
            this.detectors = detectors.isEmpty() ? EnumSet.noneOf(DetectorId.class) : EnumSet.copyOf(detectors);
            return this;
        }

        /** Where the seccomp proof runs (see {@link Prober.Builder#seccompRunner}); ignored with {@link #prober(Prober)}. */
        public Builder seccompRunner(SeccompRunner runner) {
            this.seccompRunner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /** The native binding the probes use (see {@link Prober.Builder#nativeAccess}); ignored with {@link #prober(Prober)}. */
        public Builder nativeAccess(Supplier<Probed<NativeAccess>> nativeAccess) {
            this.nativeAccess = Objects.requireNonNull(nativeAccess, "nativeAccess");
            return this;
        }

        /** A prober configured by hand (tests, custom detectors). */
        public Builder prober(Prober prober) {
            this.prober = Objects.requireNonNull(prober, "prober");
            return this;
        }

        /** The cheap clocksource re-read; by default sysfs under {@link #root(SystemRoot)}. */
        public Builder clocksource(Supplier<Probed<ClocksourceFacts>> clocksource) {
            this.clocksource = Objects.requireNonNull(clocksource, "clocksource");
            return this;
        }

        /** Start the refresh thread: re-probe every {@code intervalMillis}, re-read the clocksource every {@code pollMillis}. */
        public Builder refresh(long intervalMillis, long pollMillis) {
            if (intervalMillis <= 0 || pollMillis <= 0) {
                throw new IllegalArgumentException("refresh periods must be positive [" + intervalMillis + ", "
                        + pollMillis + "]");
            }
            this.intervalMillis = intervalMillis;
            this.clocksourcePollMillis = pollMillis;
            return this;
        }

        /** Told about every new snapshot after the first; added before the refresh thread starts. */
        public Builder listener(ClockHealthMonitor.Listener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** A cheap task of the owner's that runs on the refresh thread at the clocksource-poll period. */
        public Builder onPoll(Runnable task) {
            onPoll.add(Objects.requireNonNull(task, "task"));
            return this;
        }

        /** Told about each refresh task that threw. */
        public Builder onFailure(FailureHandler onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
            return this;
        }

        /** Probes once now, on the caller's thread, then starts the refresh thread if asked for. */
        public ClockHealthService start() {
            Prober p = prober;
            if (p == null) {
                Prober.Builder b = Prober.builder().root(root).detectors(detectors).seccompRunner(seccompRunner);
                p = (nativeAccess != null ? b.nativeAccess(nativeAccess) : b).build();
            }
            Supplier<Probed<ClocksourceFacts>> cs = clocksource;
            if (cs == null) {
                final ClocksourceReader reader = new ClocksourceReader(root);
                cs = reader::read;
            }
            return new ClockHealthService(this, new ClockHealthMonitor(p, cs));
        }
    }
}
