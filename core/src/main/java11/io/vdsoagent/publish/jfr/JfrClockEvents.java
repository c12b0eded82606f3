package io.vdsoagent.publish.jfr;

import io.vdsoagent.detect.Confidence;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.publish.FlightRecorderEvents;
import io.vdsoagent.source.KernelClockEvent;
import java.util.Collections;
import java.util.List;
import jdk.jfr.FlightRecorder;

/**
 * Loaded by name by {@link FlightRecorderEvents} on JDK 11+. Registers the periodic verdict event and a
 * monitor listener only once a recording has initialized JFR; from then on each new snapshot records its
 * clocksource change, new fallbacks and new kernel log lines. Events a recording does not enable cost a
 * check of {@code isEnabled()}.
 */
public final class JfrClockEvents implements FlightRecorderEvents.Sink, ClockHealthMonitor.Listener {
    private ClockHealthMonitor monitor;
    private Runnable periodic;

    @Override
    public boolean poll(ClockHealthMonitor m) {
        if (periodic != null || !FlightRecorder.isInitialized()) {
            return false;
        }
        final ClockHealthMonitor source = m;
        Runnable hook = () -> verdicts(source.current());
        FlightRecorder.addPeriodicEvent(ClockVerdictEvent.class, hook);
        periodic = hook;
        monitor = m;
        m.addListener(this);
        // What already holds when the recording starts: it explains the fallback without waiting for a change.
        changes(null, m.current());
        return true;
    }

    @Override
    public void close() {
        if (periodic != null) {
            FlightRecorder.removePeriodicEvent(periodic);
            monitor.removeListener(this);
            periodic = null;
        }
    }

    @Override
    public void onChange(ClockHealth before, ClockHealth after, boolean clocksourceChanged) {
        if (clocksourceChanged) {
            ClocksourceChangeEvent e = new ClocksourceChangeEvent();
            if (e.isEnabled()) {
                e.from = clocksource(before);
                e.to = clocksource(after);
                e.headline = after.headline();
                e.commit();
            }
        }
        changes(before, after);
    }

    private static void verdicts(ClockHealth health) {
        String clocksource = clocksource(health);
        for (ClockStatus s : health.clocks()) {
            ClockVerdictEvent e = new ClockVerdictEvent();
            if (!e.isEnabled()) {
                return;
            }
            e.clock = s.clock().label();
            e.verdict = s.verdict().label();
            e.decidedBy = s.detector();
            e.proof = proof(s);
            e.clocksource = clocksource;
            e.vdsoNanos = s.vdsoNanos();
            e.syscallNanos = s.syscallNanos();
            e.commit();
        }
    }

    /** Fallbacks {@code after} shows and {@code before} did not; kernel log lines {@code before} did not have. */
    private static void changes(ClockHealth before, ClockHealth after) {
        String clocksource = clocksource(after);
        for (ClockStatus s : after.clocks()) {
            if (s.clock().isCpuTime() || s.verdict() != Verdict.SYSCALL) {
                continue;
            }
            ClockStatus was = before == null ? null : before.clock(s.clock());
            if (was != null && was.verdict() == Verdict.SYSCALL) {
                continue;
            }
            ClockFallbackEvent e = new ClockFallbackEvent();
            if (e.isEnabled()) {
                e.clock = s.clock().label();
                e.decidedBy = s.detector();
                e.proof = proof(s);
                e.clocksource = clocksource;
                e.remediation = s.remediation();
                e.commit();
            }
        }
        List<KernelClockEvent> seen = before == null ? Collections.<KernelClockEvent>emptyList() : lines(before);
        for (KernelClockEvent k : lines(after)) {
            if (contains(seen, k)) {
                continue;
            }
            KernelClockLogEvent e = new KernelClockLogEvent();
            if (e.isEnabled()) {
                e.kind = k.kind();
                e.subject = k.subject();
                e.sinceBoot = Math.round(k.bootSeconds() * 1e6);
                e.message = k.message();
                e.commit();
            }
        }
    }

    private static boolean contains(List<KernelClockEvent> lines, KernelClockEvent k) {
        for (KernelClockEvent l : lines) {
            if (l.bootSeconds() == k.bootSeconds() && l.message().equals(k.message())) {
                return true;
            }
        }
        return false;
    }

    private static List<KernelClockEvent> lines(ClockHealth health) {
        return health.kernelEvents().known() ? health.kernelEvents().get() : Collections.<KernelClockEvent>emptyList();
    }

    private static boolean proof(ClockStatus s) {
        Finding f = s.detector() == null ? null : s.finding(s.detector());
        return f != null && f.confidence() == Confidence.PROOF;
    }

    private static String clocksource(ClockHealth health) {
        return health.host().clocksource().known() ? health.host().clocksource().get().current() : "unknown";
    }
}
