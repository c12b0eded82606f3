package io.vdsoagent.health;

import io.vdsoagent.detect.ClockConsistencies;
import io.vdsoagent.detect.ClockConsistencyCheck;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.ClockSupport;
import io.vdsoagent.detect.ClocksourceDetector;
import io.vdsoagent.detect.Detector;
import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.JvmClockConsistencyCheck;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.detect.JvmClockPathProbe;
import io.vdsoagent.detect.LatencyDetector;
import io.vdsoagent.detect.ProbeThreads;
import io.vdsoagent.detect.RusageDetector;
import io.vdsoagent.detect.SeccompDetector;
import io.vdsoagent.detect.SeccompRunner;
import io.vdsoagent.detect.ThreadSeccompRunner;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.source.HostFact;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.HostFactsReader;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.KernelLogReader;
import io.vdsoagent.source.KernelUptime;
import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.SystemRoot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs one probe: reads the host facts, runs the enabled detectors in rank order for all nine
 * clocks, times the JVM clock path and assembles a {@link ClockHealth}. Never throws.
 *
 * <p>Cost control: rusage busy-loops ~25 ms per clock, so by default it only runs for clocks the
 * seccomp detector left undecided (on a host where seccomp answers, rusage costs nothing).
 */
public final class Prober {
    private final Supplier<HostFacts> hostFacts;
    /** The owner's native binding (the library's shared one by default), asked on first need. */
    private final Supplier<Probed<NativeAccess>> nativeAccess;
    private final List<Detector> detectors;
    private final boolean rusageOnlyWhenUndecided;
    private final boolean jvmClockPath;
    private final boolean consistencyCheck;
    /** Created on the first probe that checks consistency (holds its buffer and the clock resolutions). */
    private ClockConsistencyCheck consistency;
    private final Supplier<Probed<List<KernelClockEvent>>> kernelLog;
    private final Supplier<Probed<Set<ClockId>>> clockSupport;
    private final Supplier<Probed<Double>> uptime;
    private final boolean confirmWhenUptimeUnknown;
    private final Sleeper sleeper;

    /** Below this kernel uptime a fallback is confirmed before it is published. */
    static final double YOUNG_KERNEL_SECONDS = 60;
    /** The confirming probe runs at this kernel uptime at the earliest (gVisor calibrates for ~1 s)... */
    static final int CONFIRM_AT_UPTIME_SECONDS = 2;
    /** ...and at least this long after the first. */
    static final long CONFIRM_MIN_GAP_MILLIS = 500;
    /** The clocks the kernel refuses (EINVAL): asked once, the answer is fixed for the kernel's life. */
    private Probed<Set<ClockId>> refused;
    /** This run's kernel log events, for the clocksource hint (probes are serialised). */
    private volatile Probed<List<KernelClockEvent>> kernelEvents = Probed.unknown("the kernel log was not read");

    /**
     * Timings (latency findings, the JVM clock path) from the last probe that ran them, and the
     * clocksource they were taken under: only a clocksource change can move them, so a periodic
     * re-probe reuses them and spends its CPU on what can change (clocksource, seccomp verdicts,
     * vsyscall, ASLR).
     */
    private String timedUnder;
    /**
     * The seccomp proof from the last probe that ran it, and what it ran under (clocksource and kernel
     * clock events): the vDSO's mode is the clocksource's, so only those can move it; a failed proof is
     * tried again at the next probe. Reused otherwise: in the agent the proof is a process of its own.
     */
    private String provedUnder;
    private List<Finding> lastProof;
    private List<ClockId> lastProofClocks;
    private List<Finding> lastLatency;
    private List<ClockId> lastLatencyClocks;
    private JvmClockPath lastJvm;

    private Prober(Builder b) {
        this.nativeAccess = b.nativeAccess;
        final HostFactsReader reader = new HostFactsReader(b.root, b.nativeAccess);
        final SystemRoot root = b.root;
        final Supplier<Probed<NativeAccess>> na = b.nativeAccess;
        if (b.kernelLog != null) {
            this.kernelLog = b.kernelLog;
        } else if (b.hostFacts != null) {
            this.kernelLog = () -> Probed.<List<KernelClockEvent>>unknown("not read: the host facts were supplied");
        } else {
            this.kernelLog = () -> new KernelLogReader(root, na.get()).read();
        }
        this.hostFacts = b.hostFacts != null ? b.hostFacts : new Supplier<HostFacts>() {
            @Override
            public HostFacts get() {
                return reader.read();
            }
        };
        List<Detector> ds = new ArrayList<>();
        if (b.detectorInstances != null) {
            ds.addAll(b.detectorInstances);
            // Rank order matters beyond the verdict: rusage skips clocks a higher rank decided.
            Collections.sort(ds, (x, y) -> Integer.compare(DetectorId.rankOf(x.id()), DetectorId.rankOf(y.id())));
        } else {
            for (DetectorId id : DetectorId.values()) {
                if (b.detectors.contains(id)) {
                    ds.add(create(id, b, this));
                }
            }
        }
        this.detectors = Collections.unmodifiableList(ds);
        this.rusageOnlyWhenUndecided = b.rusageOnlyWhenUndecided;
        this.jvmClockPath = b.jvmClockPath;
        // Supplied host facts (tests, embedders) have no kernel to ask: no confirmation unless told.
        this.uptime = b.uptime != null ? b.uptime : b.hostFacts == null ? () -> new KernelUptime(root).read() : null;
        // Only on the live system is an unreadable uptime a reason to confirm (a fixture tree rarely has one).
        this.confirmWhenUptimeUnknown = b.uptime != null || (b.hostFacts == null && root.isLive());
        this.sleeper = b.sleeper;
        if (b.clockSupport != null) {
            this.clockSupport = b.clockSupport;
        } else if (b.hostFacts == null && b.root.isLive()) {
            this.clockSupport = () -> ClockSupport.refused(na.get(), Arrays.asList(ClockId.values()));
        } else {
            this.clockSupport = () -> Probed.<Set<ClockId>>unknown("not checked: not the live system");
        }
        this.consistencyCheck = b.consistencyCheck;
    }

    private static Detector create(DetectorId id, Builder b, final Prober self) {
        switch (id) {
            case SECCOMP:
                ThreadSeccompRunner thread = new ThreadSeccompRunner(b.seccompTimeoutMillis, b.nativeAccess.get());
                return new SeccompDetector(b.seccompRunner != null ? b.seccompRunner : thread, thread);
            case RUSAGE:
                return new RusageDetector(b.rusageLoopMillis, b.rusageMinCpuMillis, b.rusageWallCapMillis,
                        b.rusageWallCapMillis * 2 + 5000, b.nativeAccess.get());
            case LATENCY:
                return new LatencyDetector(b.nativeAccess.get());
            default:
                return new ClocksourceDetector(() -> self.kernelEvents);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names of the detectors this prober runs, highest rank first. */
    public List<String> detectorNames() {
        List<String> names = new ArrayList<>();
        for (Detector d : detectors) {
            names.add(d.name());
        }
        return names;
    }

    /** One full probe run. Never throws; serialised so concurrent callers do not share probe buffers. */
    public synchronized ClockHealth probe() {
        long wall0 = System.nanoTime();
        long cpu0 = threadCpuNanos();
        long probeThreads0 = ProbeThreads.cpuNanos();
        Map<String, Integer> errors = new LinkedHashMap<>();
        HostFacts host = readHost(errors);
        String clocksource = host.clocksource().known() ? host.clocksource().get().current()
                : "unknown: " + host.clocksource().reason();
        boolean retime = timedUnder == null || !timedUnder.equals(clocksource);
        Probed<List<KernelClockEvent>> events = readKernelLog();
        kernelEvents = events;
        String proofKey = clocksource + " / kernel clock events: "
                + (events.known() ? String.valueOf(events.get().size()) : "unknown");
        boolean reprove = provedUnder == null || !provedUnder.equals(proofKey);

        List<ClockId> all = Arrays.asList(ClockId.values());
        Map<ClockId, List<Finding>> findings = new EnumMap<>(ClockId.class);
        List<ClockId> probed = new ArrayList<>();
        Set<ClockId> refusedNow = refusedClocks();
        for (ClockId c : all) {
            findings.put(c, new ArrayList<Finding>());
            if (refusedNow.contains(c)) {
                // Refused, not fallen back: no detector asked (it would see the refused call reach the kernel).
                findings.get(c).add(ClockSupport.finding(c));
            } else {
                probed.add(c);
            }
        }
        for (Detector d : detectors) {
            List<ClockId> clocks = probed;
            if (rusageOnlyWhenUndecided && DetectorId.RUSAGE.label().equals(d.name())) {
                clocks = undecided(findings);
            }
            if (clocks.isEmpty()) {
                continue;
            }
            List<Finding> found;
            if (DetectorId.LATENCY.label().equals(d.name())) {
                if (retime || lastLatency == null || !clocks.equals(lastLatencyClocks) || anyError(lastLatency)) {
                    lastLatency = run(d, host, clocks);
                    lastLatencyClocks = clocks;
                }
                found = lastLatency;
            } else if (DetectorId.SECCOMP.label().equals(d.name())) {
                if (reprove || lastProof == null || !clocks.equals(lastProofClocks) || anyError(lastProof)) {
                    lastProof = run(d, host, clocks);
                    lastProofClocks = clocks;
                }
                found = lastProof;
            } else {
                found = run(d, host, clocks);
            }
            for (Finding f : found) {
                findings.get(f.clock()).add(f);
                if (f.error()) {
                    errors.put(d.name(), 1);
                }
            }
        }
        boolean transientSeen = confirmYoungFallbacks(findings, host, errors);
        if (usesNativeAccess() && !nativeAccess.get().known()) {
            errors.put(ProbeId.NATIVE, 1);
        }
        JvmClockPath jvm;
        if (!jvmClockPath) {
            jvm = JvmClockPath.unknown("the JVM clock path probe is disabled");
        } else {
            if (retime || lastJvm == null || transientSeen) {
                lastJvm = probeJvm();
            }
            jvm = lastJvm;
        }
        timedUnder = clocksource;
        ClockConsistencies consistent = checkConsistency(jvm);
        provedUnder = proofKey;

        List<ClockStatus> statuses = new ArrayList<>();
        for (ClockId c : all) {
            statuses.add(status(c, findings.get(c), host, events));
        }
        long cpu1 = threadCpuNanos();
        long cpu = cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0 + ProbeThreads.cpuNanos() - probeThreads0;
        return new ClockHealth(host, statuses, jvm, Instant.now(), System.nanoTime() - wall0, cpu, errors, events,
                consistent);
    }

    /** Every probe (an offset can appear at any time): libc and the JVM's methods against the raw syscall. */
    private ClockConsistencies checkConsistency(JvmClockPath jvm) {
        if (!consistencyCheck) {
            return ClockConsistencies.notRun("the consistency check is disabled");
        }
        try {
            if (consistency == null) {
                Probed<NativeAccess> na = nativeAccess.get();
                if (!na.known()) {
                    return ClockConsistencies.notRun(NativeAccessLoader.unavailable(na.reason()));
                }
                consistency = new ClockConsistencyCheck(na.get());
            }
            return new ClockConsistencies(consistency.check(),
                    new JvmClockConsistencyCheck(consistency).check(jvm.library()));
        } catch (Throwable t) {
            return ClockConsistencies.notRun("the consistency check failed: " + Failures.describe(t));
        }
    }

    /**
     * A young kernel (or sandbox: gVisor's vDSO answers through the syscall until its clock calibration ends,
     * about its first second) can show a fallback that does not last. A syscall verdict on a clock the vDSO
     * can serve is published only once a later probe, at kernel uptime {@link #CONFIRM_AT_UPTIME_SECONDS} or
     * at least {@link #CONFIRM_MIN_GAP_MILLIS} later, says the same; the later answer is the one kept.
     *
     * @return true when a verdict changed (the timings of this run were taken in the transient)
     */
    private boolean confirmYoungFallbacks(Map<ClockId, List<Finding>> findings, HostFacts host,
                                          Map<String, Integer> errors) {
        List<ClockId> suspects = new ArrayList<>();
        for (Map.Entry<ClockId, List<Finding>> e : findings.entrySet()) {
            if (!e.getKey().isCpuTime() && decided(e.getValue()) == Verdict.SYSCALL) {
                suspects.add(e.getKey());
            }
        }
        if (suspects.isEmpty() || uptime == null) {
            return false;
        }
        Probed<Double> up = readUptime();
        if (up.known() ? up.get() >= YOUNG_KERNEL_SECONDS : !confirmWhenUptimeUnknown) {
            return false;
        }
        long waitMillis = up.known()
                ? Math.max(CONFIRM_MIN_GAP_MILLIS, (long) ((CONFIRM_AT_UPTIME_SECONDS - up.get()) * 1000))
                : CONFIRM_AT_UPTIME_SECONDS * 1000L;
        try {
            sleeper.sleep(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the caller's flag; publish what the first probe saw
            return false;
        }
        String why = up.known() ? String.format(java.util.Locale.ROOT, "kernel up %.1f s", up.get()) : up.reason();
        boolean changed = false;
        for (Detector d : detectors) {
            List<ClockId> again = new ArrayList<>();
            for (ClockId c : suspects) {
                for (Finding f : findings.get(c)) {
                    again.add(f.detector().equals(d.name()) ? c : null);
                }
            }
            again.removeAll(Collections.singleton((ClockId) null));
            if (again.isEmpty()) {
                continue;
            }
            for (Finding later : run(d, host, again)) {
                List<Finding> list = findings.get(later.clock());
                for (int i = 0; i < list.size(); i++) {
                    Finding first = list.get(i);
                    if (first.detector().equals(d.name())) {
                        list.set(i, confirmed(first, later, waitMillis, why));
                        changed |= first.verdict() == Verdict.SYSCALL && later.verdict() != Verdict.SYSCALL;
                    }
                }
                if (later.error()) {
                    errors.put(d.name(), 1);
                }
                if (DetectorId.LATENCY.label().equals(d.name()) && lastLatency != null) {
                    lastLatency = replace(lastLatency, later);
                }
            }
        }
        return changed;
    }

    /** The later finding, saying what the first one saw. */
    private static Finding confirmed(Finding first, Finding later, long waitMillis, String why) {
        String note = first.verdict() == later.verdict()
                ? " (confirmed by a second probe " + waitMillis + " ms later; " + why + ")"
                : " (a probe " + waitMillis + " ms earlier saw " + first.verdict().label()
                        + ": transient, e.g. a sandbox's clock calibration; " + why + ")";
        Finding f = Finding.timed(later.detector(), later.clock(), later.verdict(), later.detail() + note,
                later.vdsoNanos(), later.syscallNanos());
        return later.error() ? later : f.withConfidence(later.confidence());
    }

    private static List<Finding> replace(List<Finding> findings, Finding update) {
        List<Finding> out = new ArrayList<>(findings);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).clock() == update.clock()) {
                out.set(i, update);
            }
        }
        return out;
    }

    /** The verdict the highest-ranked deciding finding gives (what {@link #status} would publish). */
    private static Verdict decided(List<Finding> findings) {
        Finding best = null;
        for (Finding f : findings) {
            if (f.verdict() != Verdict.UNKNOWN
                    && (best == null || f.rank() < best.rank())) {
                best = f;
            }
        }
        return best == null ? Verdict.UNKNOWN : best.verdict();
    }

    private Probed<Double> readUptime() {
        try {
            return uptime.get();
        } catch (Throwable t) {
            return Probed.unknown("reading the kernel's uptime failed: " + Failures.describe(t));
        }
    }

    /** The clocks the kernel refuses; empty while that is unknown (no native access: nothing to refuse). */
    private Set<ClockId> refusedClocks() {
        if (refused == null || !refused.known()) {
            if (!usesNativeAccess()) {
                return Collections.<ClockId>emptySet();
            }
            try {
                refused = clockSupport.get();
            } catch (Throwable t) {
                refused = Probed.unknown("clock support check failed: " + Failures.describe(t));
            }
        }
        return refused.known() ? refused.get() : Collections.<ClockId>emptySet();
    }

    /** Only the clocksource hint is pure Java; asking otherwise would load jnr for nothing. */
    private boolean usesNativeAccess() {
        if (jvmClockPath || consistencyCheck) {
            return true;
        }
        for (Detector d : detectors) {
            if (!DetectorId.CLOCKSOURCE.label().equals(d.name())) {
                return true;
            }
        }
        return false;
    }

    private Probed<List<KernelClockEvent>> readKernelLog() {
        try {
            Probed<List<KernelClockEvent>> p = kernelLog.get();
            return p != null ? p : Probed.<List<KernelClockEvent>>unknown("the kernel log reader returned nothing");
        } catch (Throwable t) {
            return Probed.unknown("reading the kernel log failed: " + Failures.describe(t));
        }
    }

    static ClockStatus status(ClockId c, List<Finding> findings, HostFacts host) {
        return status(c, findings, host, Probed.<List<KernelClockEvent>>unknown("the kernel log was not read"));
    }

    static ClockStatus status(ClockId c, List<Finding> findings, HostFacts host, Probed<List<KernelClockEvent>> events) {
        List<Finding> ranked = new ArrayList<>(findings);
        Collections.sort(ranked, (a, b) -> Integer.compare(a.rank(), b.rank()));
        Verdict verdict = Verdict.UNKNOWN;
        String detector = null;
        double vdsoNanos = Double.NaN;
        double syscallNanos = Double.NaN;
        for (Finding f : ranked) {
            if (detector == null && f.verdict() != Verdict.UNKNOWN) {
                verdict = f.verdict();
                detector = f.detector();
            }
            if (Double.isNaN(vdsoNanos) && !Double.isNaN(f.vdsoNanos())) {
                vdsoNanos = f.vdsoNanos();
                syscallNanos = f.syscallNanos();
            }
        }
        return new ClockStatus(c, verdict, detector, ranked, vdsoNanos, syscallNanos,
                Remediation.forClock(c, verdict, detector, ranked, host.clocksource(), events));
    }

    private HostFacts readHost(Map<String, Integer> errors) {
        HostFacts host;
        try {
            host = hostFacts.get();
        } catch (Throwable t) {
            Probed<String> why = Probed.unknown("reading host facts failed: " + t);
            host = new HostFacts(why, why, Probed.unknown(why.reason()), Probed.unknown(why.reason()),
                    Probed.unknown(why.reason()), Probed.unknown(why.reason()), why, Probed.unknown(why.reason()));
        }
        for (HostFact fact : HostFact.values()) {
            if (!fact.of(host).known()) {
                errors.put(fact.label(), 1);
            }
        }
        return host;
    }

    private static List<Finding> run(Detector d, HostFacts host, List<ClockId> clocks) {
        try {
            List<Finding> out = d.detect(host, clocks);
            if (out != null && out.size() == clocks.size()) {
                return out;
            }
            return failedAll(d.name(), clocks, "detector returned " + (out == null ? "null" : out.size() + " findings"));
        } catch (Throwable t) {
            return failedAll(d.name(), clocks, "detector threw " + t);
        }
    }

    private static List<Finding> failedAll(String detector, List<ClockId> clocks, String why) {
        List<Finding> out = new ArrayList<>();
        for (ClockId c : clocks) {
            out.add(Finding.failed(detector, c, why));
        }
        return out;
    }

    private static boolean anyError(List<Finding> findings) {
        for (Finding f : findings) {
            if (f.error()) {
                return true;
            }
        }
        return false;
    }

    private static List<ClockId> undecided(Map<ClockId, List<Finding>> findings) {
        List<ClockId> out = new ArrayList<>();
        for (Map.Entry<ClockId, List<Finding>> e : findings.entrySet()) {
            boolean decided = false;
            for (Finding f : e.getValue()) {
                decided |= f.verdict() != Verdict.UNKNOWN;
            }
            if (!decided) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private JvmClockPath probeJvm() {
        try {
            return new JvmClockPathProbe(nativeAccess.get()).probe();
        } catch (Throwable t) {
            return JvmClockPath.unknown("JVM clock path probe failed: " + t);
        }
    }

    private static long threadCpuNanos() {
        try {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
        } catch (Throwable t) {
            return -1;
        }
    }

    /** How the prober waits before a confirming probe; a functional interface so tests need not sleep. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** Configures a {@link Prober}; defaults match the agent's defaults. */
    public static final class Builder {
        private SystemRoot root = SystemRoot.live();
        private Set<DetectorId> detectors = EnumSet.allOf(DetectorId.class);
        private List<Detector> detectorInstances;
        private Supplier<HostFacts> hostFacts;
        private long seccompTimeoutMillis = 2000;
        private SeccompRunner seccompRunner;
        private Supplier<Probed<NativeAccess>> nativeAccess = NativeAccessLoader::shared;
        private long rusageLoopMillis = 25;
        private long rusageMinCpuMillis = 12;
        private long rusageWallCapMillis = 250;
        private boolean rusageOnlyWhenUndecided = true;
        private boolean jvmClockPath = true;
        private boolean consistencyCheck = true;
        private Supplier<Probed<List<KernelClockEvent>>> kernelLog;
        private Supplier<Probed<Set<ClockId>>> clockSupport;
        private Supplier<Probed<Double>> uptime;
        private Sleeper sleeper = Thread::sleep;

        private Builder() {
        }

        /** Replaces /proc/uptime (tests): the kernel's age decides whether a fallback needs confirming. */
        public Builder uptime(Supplier<Probed<Double>> uptime) {
            this.uptime = uptime;
            return this;
        }

        /** Replaces the wait before a confirming probe (tests). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /** Replaces the check of which clocks the kernel refuses (tests); by default libc on the live system. */
        public Builder clockSupport(Supplier<Probed<Set<ClockId>>> clockSupport) {
            this.clockSupport = clockSupport;
            return this;
        }

        /** Replaces the kernel log reader (tests); by default /dev/kmsg under the root. */
        public Builder kernelLog(Supplier<Probed<List<KernelClockEvent>>> kernelLog) {
            this.kernelLog = kernelLog;
            return this;
        }

        /** Where /proc and /sys live; a fixture tree in tests. */
        public Builder root(SystemRoot root) {
            this.root = root;
            return this;
        }

        /** The detectors to run; they run in rank order whatever the order given. */
        public Builder detectors(Set<DetectorId> ids) {
            this.detectors = ids.isEmpty() ? EnumSet.noneOf(DetectorId.class) : EnumSet.copyOf(ids);
            return this;
        }

        /** Replaces the named detectors with these instances (tests, custom detectors). */
        public Builder detectorInstances(List<Detector> instances) {
            this.detectorInstances = new ArrayList<>(instances);
            return this;
        }

        /** Replaces the host facts reader (tests). */
        public Builder hostFacts(Supplier<HostFacts> hostFacts) {
            this.hostFacts = hostFacts;
            return this;
        }

        /** How long to wait for the seccomp probe thread (emulated hosts need up to ~250 ms). */
        public Builder seccompTimeoutMillis(long millis) {
            this.seccompTimeoutMillis = millis;
            return this;
        }

        /**
         * Where the seccomp proof's filtered calls run; by default a thread of this process
         * ({@link ThreadSeccompRunner}, which an application's TSYNC seccomp call collides with while it
         * lives). The agent passes a {@link io.vdsoagent.detect.ProcessSeccompRunner}. Where the host facts
         * name gVisor the proof runs on a thread all the same (see {@link SeccompDetector}).
         */
        public Builder seccompRunner(SeccompRunner runner) {
            this.seccompRunner = runner;
            return this;
        }

        /**
         * The native binding every native probe uses, passed down from the owner (the agent's, with its
         * native-dir and Instrumentation); asked on first need. Default: the library's shared one.
         */
        public Builder nativeAccess(Supplier<Probed<NativeAccess>> nativeAccess) {
            this.nativeAccess = Objects.requireNonNull(nativeAccess, "nativeAccess");
            return this;
        }

        /** CPU time rusage loops each clock (at most 10x in wall time), and the CPU below which it answers unknown. */
        public Builder rusageLoopMillis(long loopMillis, long minCpuMillis) {
            this.rusageLoopMillis = loopMillis;
            this.rusageMinCpuMillis = minCpuMillis;
            return this;
        }

        /** Wall time after which a rusage loop stops short of its CPU budget (a loaded host); default 250 ms. */
        public Builder rusageWallCapMillis(long millis) {
            this.rusageWallCapMillis = millis;
            return this;
        }

        /** false: run rusage for all nine clocks even when seccomp already decided (costs ~9 x 25 ms CPU). */
        public Builder rusageOnlyWhenUndecided(boolean only) {
            this.rusageOnlyWhenUndecided = only;
            return this;
        }

        /** Whether to time System.nanoTime &amp; friends against the direct path. */
        public Builder jvmClockPath(boolean enabled) {
            this.jvmClockPath = enabled;
            return this;
        }

        /** Whether to check, every probe, that each clock's fast path agrees with the raw syscall. */
        public Builder consistencyCheck(boolean enabled) {
            this.consistencyCheck = enabled;
            return this;
        }

        public Prober build() {
            return new Prober(this);
        }
    }
}
