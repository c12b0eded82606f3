package io.vdsoagent.health;

import io.vdsoagent.detect.ClockConsistencies;
import io.vdsoagent.detect.ClockConsistency;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.JvmClockConsistency;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.base.Probed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** One probe run's immutable result: host facts, a status per clock, the JVM clock path, costs. */
public final class ClockHealth {
    private final HostFacts host;
    private final List<ClockStatus> clocks;
    private final JvmClockPath jvmClockPath;
    private final Instant takenAt;
    private final long probeWallNanos;
    private final long probeCpuNanos;
    private final Map<String, Integer> probeErrors;
    private final Probed<List<KernelClockEvent>> kernelEvents;
    private final ClockConsistencies consistency;

    public ClockHealth(HostFacts host, List<ClockStatus> clocks, JvmClockPath jvmClockPath, Instant takenAt,
                       long probeWallNanos, long probeCpuNanos, Map<String, Integer> probeErrors) {
        this(host, clocks, jvmClockPath, takenAt, probeWallNanos, probeCpuNanos, probeErrors,
                Probed.<List<KernelClockEvent>>unknown("the kernel log was not read"));
    }

    public ClockHealth(HostFacts host, List<ClockStatus> clocks, JvmClockPath jvmClockPath, Instant takenAt,
                       long probeWallNanos, long probeCpuNanos, Map<String, Integer> probeErrors,
                       Probed<List<KernelClockEvent>> kernelEvents) {
        this(host, clocks, jvmClockPath, takenAt, probeWallNanos, probeCpuNanos, probeErrors, kernelEvents,
                ClockConsistencies.notRun("the consistency check was not run"));
    }

    public ClockHealth(HostFacts host, List<ClockStatus> clocks, JvmClockPath jvmClockPath, Instant takenAt,
                       long probeWallNanos, long probeCpuNanos, Map<String, Integer> probeErrors,
                       Probed<List<KernelClockEvent>> kernelEvents, ClockConsistencies consistency) {
        this.consistency = Objects.requireNonNull(consistency, "consistency");
        this.host = Objects.requireNonNull(host, "host");
        this.clocks = Collections.unmodifiableList(new ArrayList<>(clocks));
        this.jvmClockPath = Objects.requireNonNull(jvmClockPath, "jvmClockPath");
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.probeWallNanos = probeWallNanos;
        this.probeCpuNanos = probeCpuNanos;
        this.probeErrors = Collections.unmodifiableMap(new LinkedHashMap<>(probeErrors));
        this.kernelEvents = Objects.requireNonNull(kernelEvents, "kernelEvents");
    }

    /** The kernel log lines that explain a fallback or a clocksource switch; unknown where the log is hidden. */
    public Probed<List<KernelClockEvent>> kernelEvents() {
        return kernelEvents;
    }

    /** Whether each clock's fast path (libc, the JVM's methods) agrees with the kernel's own answer. */
    public ClockConsistencies consistency() {
        return consistency;
    }

    public HostFacts host() {
        return host;
    }

    /** One status per probed clock, in {@link ClockId} order. */
    public List<ClockStatus> clocks() {
        return clocks;
    }

    /** The status of one clock, or null when it was not probed. */
    public ClockStatus clock(ClockId id) {
        for (ClockStatus s : clocks) {
            if (s.clock() == id) {
                return s;
            }
        }
        return null;
    }

    public JvmClockPath jvmClockPath() {
        return jvmClockPath;
    }

    public Instant takenAt() {
        return takenAt;
    }

    public long probeWallNanos() {
        return probeWallNanos;
    }

    /** CPU time the probing thread(s) and a reaped proof process spent, -1 when the JVM cannot measure thread CPU time. */
    public long probeCpuNanos() {
        return probeCpuNanos;
    }

    /** probe name -> failures in this run (only probes that failed, e.g. seccomp refused, vdso unreadable). */
    public Map<String, Integer> probeErrors() {
        return probeErrors;
    }

    /**
     * One line for a log or a dashboard title, e.g. "clocksource tsc, clock_gettime in vDSO (seccomp)"
     * or "clocksource hpet, clock_gettime FALLS BACK to syscalls for realtime, monotonic (seccomp)".
     * The CPU-time clocks always make the syscall and are left out.
     */
    public String headline() {
        String line = verdictLine();
        JvmClockPath jvm = jvmClockPath;
        if (jvm.interposed().known() && jvm.interposed().get()) {
            line += "; the JVM's clock calls are INTERPOSED by " + jvm.library();
        }
        return line + wrongLine();
    }

    /** "; clocks WRONG: realtime +216.003 s, ..." when a fast path disagrees with the kernel, else "". */
    private String wrongLine() {
        StringBuilder b = new StringBuilder();
        List<ClockConsistency> wrong = consistency.wrongClocks();
        if (!wrong.isEmpty()) {
            b.append("; clock_gettime answers WRONG time (disagrees with the kernel's syscall) for");
            String sep = " ";
            for (ClockConsistency c : wrong) {
                b.append(sep).append(c.clock().label()).append(' ').append(offset(c.offsetSeconds()));
                sep = ", ";
            }
        }
        List<JvmClockConsistency> jvmWrong = consistency.wrongJvm();
        if (!jvmWrong.isEmpty()) {
            b.append("; the JVM's clock path DISAGREES with the kernel:");
            String sep = " ";
            for (JvmClockConsistency c : jvmWrong) {
                b.append(sep).append(c.method()).append(' ').append(offset(c.offsetSeconds()));
                sep = ", ";
            }
            String lib = jvmWrong.get(0).library();
            b.append(lib.isEmpty() ? "" : " (interposed by " + lib + ")");
        }
        return b.toString();
    }

    private static String offset(double seconds) {
        return String.format(java.util.Locale.ROOT, "%+.3f s", seconds);
    }

    private String verdictLine() {
        String cs = host.clocksource().known() ? "clocksource " + host.clocksource().get().current()
                : "clocksource unknown";
        List<String> fallback = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> vdso = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        Set<String> deciders = new LinkedHashSet<>();
        for (ClockStatus s : clocks) {
            if (s.clock().isCpuTime()) {
                continue;
            }
            if (s.verdict() == Verdict.UNSUPPORTED) {
                unsupported.add(s.clock().label());
            } else if (s.verdict() == Verdict.SYSCALL) {
                fallback.add(s.clock().label());
                deciders.add(decider(s));
            } else if (s.verdict() == Verdict.UNKNOWN) {
                unknown.add(s.clock().label());
            } else {
                vdso.add(s.clock().label());
                deciders.add(decider(s));
            }
        }
        return verdicts(cs, fallback, unknown, vdso, deciders)
                + (unsupported.isEmpty() ? "" : "; refused by this kernel (EINVAL): " + String.join(", ", unsupported));
    }

    private static String verdicts(String cs, List<String> fallback, List<String> unknown, List<String> vdso,
                                   Set<String> deciders) {
        String by = deciders.isEmpty() ? "" : " (" + String.join(", ", deciders) + ")";
        if (!fallback.isEmpty()) {
            return cs + ", clock_gettime FALLS BACK to syscalls for " + String.join(", ", fallback) + by
                    + (unknown.isEmpty() ? "" : "; unknown for " + String.join(", ", unknown));
        }
        if (!unknown.isEmpty()) {
            return cs + ", clock_gettime path unknown for " + String.join(", ", unknown)
                    + (vdso.isEmpty() ? "" : "; in vDSO for " + String.join(", ", vdso) + by);
        }
        return cs + ", clock_gettime in vDSO" + by;
    }

    /** "seccomp" for the proof; a heuristic that decided is named as what it is, e.g. "clocksource hint". */
    private static String decider(ClockStatus s) {
        Finding f = s.finding(s.detector());
        return f == null || !f.isHint() ? s.detector() : s.detector() + " hint";
    }

    @Override
    public String toString() {
        return headline();
    }
}
