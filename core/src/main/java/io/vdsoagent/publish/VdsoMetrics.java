package io.vdsoagent.publish;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VdsoSymbol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Publishes a {@link ClockHealthMonitor}'s current snapshot as the {@code vdso_*} metrics
 * (names in the README's metrics reference). Any application can bind it; the agent does too.
 *
 * <p>Series whose labels change over time (symbols, clocksources, per-clock verdicts) are
 * {@link MultiGauge}s whose row set is recomputed on every new snapshot, so stale series
 * disappear and an unknown value has no series at all rather than NaN. Values are read from the
 * monitor's current snapshot at scrape time.
 */
public final class VdsoMetrics implements MeterBinder {

    /** Probe names that can fail, pre-registered so their error counters exist at 0. */
    static final List<String> PROBES = Collections.unmodifiableList(Arrays.asList(
            "kernel_release", "arch", "vdso", "clocksource", "vsyscall", "aslr", "native",
            "seccomp", "rusage", "latency"));

    private static final String SECONDS = "seconds";

    private final ClockHealthMonitor monitor;
    private final boolean exposeAddress;
    private final Tags tags;
    private final List<Bound> bound = new CopyOnWriteArrayList<>();

    private VdsoMetrics(Builder b) {
        this.monitor = b.monitor;
        this.exposeAddress = b.exposeAddress;
        this.tags = b.tags;
        monitor.addListener((before, after, clocksourceChanged) -> refresh());
    }

    public static Builder builder(ClockHealthMonitor monitor) {
        return new Builder(monitor);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (exposeAddress) {
            Gauge.builder("vdso.base.address", monitor, VdsoMetrics::baseAddress)
                    .tags(tags)
                    .description("The address the vDSO is mapped at (AT_SYSINFO_EHDR); an ASLR secret, exposed on request.")
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("vdso.probe.duration", monitor, m -> m.current().probeWallNanos() / 1e9)
                .tags(tags)
                .description("Wall time of the last full probe run.")
                .baseUnit(SECONDS)
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("vdso.clocksource.changes", monitor, ClockHealthMonitor::clocksourceChanges)
                .tags(tags)
                .description("How many times the kernel's current clocksource changed while this process ran.")
                .register(registry);
        for (final String probe : PROBES) {
            FunctionCounter.builder("vdso.probe.errors", monitor, m -> m.probeErrors(probe))
                    .tags(tags)
                    .tag("probe", probe)
                    .description("Probe runs in which this probe failed and left its value unknown.")
                    .register(registry);
        }

        Bound b = new Bound();
        b.add(MultiGauge.builder("vdso.info")
                .tags(tags)
                .description("The vDSO this process has mapped: architecture, soname, kernel release and build id.")
                .register(registry), VdsoMetrics::info);
        b.add(MultiGauge.builder("vdso.image.bytes")
                .tags(tags)
                .description("Size of the vDSO image mapped into this process.")
                .baseUnit(BaseUnits.BYTES)
                .register(registry), this::imageBytes);
        b.add(MultiGauge.builder("vdso.symbol.info")
                .tags(tags)
                .description("One series per dynamic symbol the vDSO exports, with its version.")
                .register(registry), VdsoMetrics::symbols);
        b.add(MultiGauge.builder("vdso.clocksource.current.info")
                .tags(tags)
                .description("The clocksource the kernel currently uses.")
                .register(registry), h -> clocksources(h, true));
        b.add(MultiGauge.builder("vdso.clocksource.available.info")
                .tags(tags)
                .description("The clocksources the kernel offers.")
                .register(registry), h -> clocksources(h, false));
        b.add(MultiGauge.builder("vdso.clock.fallback")
                .tags(tags)
                .description("1 when clock_gettime for this clock falls back to a syscall, 0 when the vDSO serves it; no series while unknown.")
                .register(registry), this::fallback);
        b.add(MultiGauge.builder("vdso.clock.call")
                .tags(tags)
                .description("Per-call cost of clock_gettime through libc (path vdso) and as a raw syscall (path syscall).")
                .baseUnit(SECONDS)
                .register(registry), this::clockCalls);
        b.add(MultiGauge.builder("vdso.jvm.clock.call")
                .tags(tags)
                .description("Per-call cost of the JVM's own clock methods, measured in a short loop.")
                .baseUnit(SECONDS)
                .register(registry), this::jvmCalls);
        b.add(MultiGauge.builder("vdso.jvm.clock.interposed")
                .tags(tags)
                .description("1 when the JVM's clock functions resolve to a library other than libc or the vDSO (an LD_PRELOAD interposer, named in the library label); no series while unknown.")
                .register(registry), this::interposed);
        b.add(MultiGauge.builder("vdso.vsyscall.mode.info")
                .tags(tags)
                .description("The legacy vsyscall page's mode: none, xonly, emulate or native.")
                .register(registry), VdsoMetrics::vsyscall);
        b.add(MultiGauge.builder("vdso.aslr.mode")
                .tags(tags)
                .description("The kernel's randomize_va_space: 0 off, 1 partial, 2 full address space randomisation.")
                .register(registry), this::aslr);
        b.add(MultiGauge.builder("vdso.kernel.clock.events")
                .tags(tags)
                .description("Kernel log lines that explain a clock fallback or switch (kind: clocksource_unstable, clocksource_switch, xen_pvclock_no_vdso, arch_timer_workaround; subject: the clocksource or erratum); no series while the log is unreadable.")
                .register(registry), h -> kernelEvents(h, false));
        b.add(MultiGauge.builder("vdso.kernel.clock.event.last")
                .tags(tags)
                .description("Seconds since boot at which the kernel logged the newest line of this kind and subject.")
                .baseUnit(SECONDS)
                .register(registry), h -> kernelEvents(h, true));
        bound.add(b);
        b.refresh(monitor.current());
    }

    private void refresh() {
        ClockHealth h = monitor.current();
        for (Bound b : bound) {
            b.refresh(h);
        }
    }

    private static List<MultiGauge.Row<?>> info(ClockHealth h) {
        HostFacts host = h.host();
        if (!host.vdso().known()) {
            return Collections.emptyList();
        }
        VdsoFacts v = host.vdso().get();
        return one(Tags.of("arch", host.arch().orElse(v.elfMachine()),
                "soname", v.soname(),
                "kernel_release", host.kernelRelease().orElse(""),
                "build_id", v.buildId()), 1);
    }

    private List<MultiGauge.Row<?>> imageBytes(ClockHealth h) {
        return h.host().vdso().known() ? live(Tags.empty(), () -> {
            HostFacts now = monitor.current().host();
            return now.vdso().known() ? now.vdso().get().imageBytes() : Double.NaN;
        }) : Collections.<MultiGauge.Row<?>>emptyList();
    }

    private static List<MultiGauge.Row<?>> symbols(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (h.host().vdso().known()) {
            for (VdsoSymbol s : h.host().vdso().get().symbols()) {
                rows.add(MultiGauge.Row.of(Tags.of("symbol", s.name(), "version", s.version()), 1));
            }
        }
        return rows;
    }

    private static List<MultiGauge.Row<?>> clocksources(ClockHealth h, boolean current) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (h.host().clocksource().known()) {
            ClocksourceFacts cs = h.host().clocksource().get();
            for (String name : current ? Collections.singletonList(cs.current()) : cs.available()) {
                rows.add(MultiGauge.Row.of(Tags.of("clocksource", name), 1));
            }
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> fallback(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ClockStatus s : h.clocks()) {
            if (s.verdict() != Verdict.UNKNOWN) {
                final ClockId clock = s.clock();
                final String detector = s.detector();
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label(), "detector", detector), () -> {
                    ClockStatus now = monitor.current().clock(clock);
                    if (now == null || !detector.equals(now.detector())) {
                        return Double.NaN; // only until the listener drops this row
                    }
                    return now.verdict() == Verdict.SYSCALL ? 1 : 0;
                }));
            }
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> clockCalls(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ClockStatus s : h.clocks()) {
            final ClockId clock = s.clock();
            if (!Double.isNaN(s.vdsoNanos())) {
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label(), "path", "vdso"), () -> {
                    ClockStatus now = monitor.current().clock(clock);
                    return now == null ? Double.NaN : now.vdsoNanos() / 1e9;
                }));
            }
            if (!Double.isNaN(s.syscallNanos())) {
                rows.add(MultiGauge.Row.of(Tags.of("clock", clock.label(), "path", "syscall"), () -> {
                    ClockStatus now = monitor.current().clock(clock);
                    return now == null ? Double.NaN : now.syscallNanos() / 1e9;
                }));
            }
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> jvmCalls(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (final String method : h.jvmClockPath().methodNanos().keySet()) {
            rows.add(MultiGauge.Row.of(Tags.of("method", method), () -> {
                Double nanos = monitor.current().jvmClockPath().methodNanos().get(method);
                return nanos == null ? Double.NaN : nanos / 1e9;
            }));
        }
        return rows;
    }

    private List<MultiGauge.Row<?>> interposed(ClockHealth h) {
        // library="" (no label) while nothing is interposed; the interposer's path when one is.
        return h.jvmClockPath().interposed().known() ? live(Tags.of("library", h.jvmClockPath().library()), () -> {
            JvmClockPath now = monitor.current().jvmClockPath();
            return now.interposed().known() ? (now.interposed().get() ? 1 : 0) : Double.NaN;
        }) : Collections.<MultiGauge.Row<?>>emptyList();
    }

    private List<MultiGauge.Row<?>> aslr(ClockHealth h) {
        return h.host().aslr().known() ? live(Tags.empty(), () -> {
            HostFacts now = monitor.current().host();
            return now.aslr().known() ? now.aslr().get() : Double.NaN;
        }) : Collections.<MultiGauge.Row<?>>emptyList();
    }

    private static List<MultiGauge.Row<?>> vsyscall(ClockHealth h) {
        return h.host().vsyscall().known() ? one(Tags.of("mode", h.host().vsyscall().get().label()), 1)
                : Collections.<MultiGauge.Row<?>>emptyList();
    }

    /** One row per (kind, subject): how many such lines, or when the newest was logged; read at scrape time. */
    private List<MultiGauge.Row<?>> kernelEvents(ClockHealth h, final boolean lastSeconds) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (!h.kernelEvents().known()) {
            return rows;
        }
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (KernelClockEvent e : h.kernelEvents().get()) {
            final String kind = e.kind();
            final String subject = e.subject();
            if (seen.add(kind + "\u0000" + subject)) {
                rows.add(MultiGauge.Row.of(Tags.of("kind", kind, "subject", subject), () -> {
                    ClockHealth now = monitor.current();
                    if (!now.kernelEvents().known()) {
                        return Double.NaN;
                    }
                    double count = 0;
                    double last = Double.NaN;
                    for (KernelClockEvent x : now.kernelEvents().get()) {
                        if (x.kind().equals(kind) && x.subject().equals(subject)) {
                            count++;
                            last = x.bootSeconds();
                        }
                    }
                    return lastSeconds ? last : count;
                }));
            }
        }
        return rows;
    }

    /** A row whose value is read from the current snapshot at scrape time. */
    private static List<MultiGauge.Row<?>> live(Tags tags, Supplier<Number> value) {
        return Collections.<MultiGauge.Row<?>>singletonList(MultiGauge.Row.of(tags, value));
    }

    private static List<MultiGauge.Row<?>> one(Tags tags, Number value) {
        return Collections.<MultiGauge.Row<?>>singletonList(MultiGauge.Row.of(tags, value));
    }

    private static double baseAddress(ClockHealthMonitor m) {
        HostFacts host = m.current().host();
        // Addresses are below 2^47 on current hardware: a double holds them exactly.
        return host.vdso().known() ? (double) host.vdso().get().baseAddress() : Double.NaN;
    }

    /** The MultiGauges of one registry and how to compute each one's rows from a snapshot. */
    private static final class Bound {
        private final List<MultiGauge> gauges = new ArrayList<>();
        private final List<Function<ClockHealth, List<MultiGauge.Row<?>>>> rows = new ArrayList<>();

        void add(MultiGauge gauge, Function<ClockHealth, List<MultiGauge.Row<?>>> rowsOf) {
            gauges.add(gauge);
            rows.add(rowsOf);
        }

        synchronized void refresh(ClockHealth h) {
            for (int i = 0; i < gauges.size(); i++) {
                try {
                    // Rows absent from the new snapshot are removed; rows that stay keep their meter
                    // (no remove/re-add churn under a concurrent scrape) and read the current value.
                    gauges.get(i).register(rows.get(i).apply(h), false);
                } catch (Throwable ignored) {
                    // One metric's failure must not stop the others (nor a probe run).
                }
            }
        }
    }

    /** Configures {@link VdsoMetrics}. */
    public static final class Builder {
        private final ClockHealthMonitor monitor;
        private boolean exposeAddress;
        private Tags tags = Tags.empty();

        private Builder(ClockHealthMonitor monitor) {
            this.monitor = Objects.requireNonNull(monitor, "monitor");
        }

        /** Publish vdso_base_address (an ASLR secret); off by default. */
        public Builder exposeAddress(boolean exposeAddress) {
            this.exposeAddress = exposeAddress;
            return this;
        }

        /** Common tags added to every series. */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = Tags.of(tags);
            return this;
        }

        public VdsoMetrics build() {
            return new VdsoMetrics(this);
        }
    }
}
