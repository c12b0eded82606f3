package io.vdsoagent.agent;

import io.vdsoagent.agent.config.StartDelay;
import io.vdsoagent.agent.config.ConfigKey;
import io.vdsoagent.agent.config.EndpointConfig;
import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.Refusal;
import io.vdsoagent.agent.config.TestRoot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.agent.http.AgentHttpServer;
import io.vdsoagent.agent.http.EndpointContent;
import io.vdsoagent.agent.http.EndpointSettings;
import io.vdsoagent.agent.instrument.ClockCallInstrumentation;
import io.vdsoagent.bootstrap.AgentStarter;
import io.vdsoagent.bootstrap.ClockHealthHandOff;
import io.vdsoagent.detect.ProcessSeccompRunner;
import io.vdsoagent.detect.SeccompRunner;
import io.vdsoagent.detect.ThreadSeccompRunner;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.publish.HostDetail;
import io.vdsoagent.publish.FlightRecorderEvents;
import io.vdsoagent.publish.HealthDetails;
import io.vdsoagent.publish.VdsoMetrics;
import io.vdsoagent.source.KernelIdentity;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.Closeable;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent once started, and the owner of everything it started: the metrics registry, the HTTP
 * endpoint, the {@link ClockHealthService} (first probe, then its {@code vdso-agent-refresh} thread) and
 * the clock-call instrumentation. {@link #close()} stops every thread it started. Everything it starts is
 * a daemon; failures degrade a part, never the JVM.
 */
final class RunningAgent implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(RunningAgent.class);
    /** jffi reads this once, when it first loads; we restore the property right after. */
    private static final String JFFI_UNSAFE_DISABLED = "jffi.unsafe.disabled";
    static final String FLIGHT_RECORDER_LINE = "a JFR recording runs: clock events registered";
    /** A JVM start on a loaded or emulated host; the agent's own thread waits, never the application. */
    private static final long PROOF_TIMEOUT_MILLIS = 30_000;

    private final AgentArguments config;
    /** The password and TLS files as last read; the endpoint starts once they are usable. */
    private final EndpointFiles endpointFiles;
    /** Null while the start is deferred (start-delay): the endpoint answers "starting" meanwhile. */
    private volatile PrometheusMeterRegistry registry;
    /**
     * What the start-up gauges read. Micrometer holds a gauge's state object weakly: these fields keep
     * it reachable for as long as the agent is (without them the premain gauge read NaN after a GC).
     */
    private final StartTimes startTimes;
    /** The agent's native binding (its native-dir, its Instrumentation), loaded by the first probe and passed down. */
    private final Supplier<Probed<NativeAccess>> nativeAccess;
    /** Null until the first probe completes: until then /metrics has no vdso_* series (unknown). */
    private volatile ClockHealthService health;
    private volatile ClockCallInstrumentation clockCalls;
    private volatile AgentHttpServer server;
    /** JFR events of the probes; registered with JFR only once a recording runs. */
    private final FlightRecorderEvents flightRecorder = FlightRecorderEvents.create();
    /** Null unless otlp-endpoint is set and the push started. */
    private volatile Closeable otlp;

    private RunningAgent(AgentArguments config, EndpointConfig files, PrometheusMeterRegistry registry,
            StartTimes startTimes, Supplier<Probed<NativeAccess>> nativeAccess) {
        this.config = config;
        this.endpointFiles = new EndpointFiles(config, files);
        this.registry = registry;
        this.startTimes = startTimes;
        this.nativeAccess = nativeAccess;
    }

    /** Premain's own time (from the bootstrap), and the whole background start-up once it is done. */
    static final class StartTimes {
        private final LongSupplier premainNanos;
        private final long enteredNanos;
        private final AtomicLong startNanos = new AtomicLong(-1);

        /** @param premainNanos premain's own time, -1 while unknown */
        StartTimes(LongSupplier premainNanos, long enteredNanos) {
            this.premainNanos = premainNanos;
            this.enteredNanos = enteredNanos;
        }

        double premainSeconds() {
            long n = premainNanos.getAsLong();
            return n < 0 ? Double.NaN : n / 1e9;
        }

        double startSeconds() {
            long n = startNanos.get();
            return n < 0 ? Double.NaN : n / 1e9;
        }

        void started() {
            startNanos.set(System.nanoTime() - enteredNanos);
        }
    }

    /** @param files the endpoint's password and TLS files as the configuration read them */
    static RunningAgent start(AgentArguments config, EndpointConfig files, AgentStarter.Launch launch) {
        // The proof's filter lives in a process of its own: never a thread of the application's group,
        // whose own seccomp(TSYNC) calls it would make fail.
        SeccompRunner proof = ProcessSeccompRunner.agentJar(launch.agentJar(), config.nativeDir(), PROOF_TIMEOUT_MILLIS);
        // An attach finds the application running: only a JVM that is starting is waited for.
        StartPacing pacing = StartPacing.of(launch.fromPremain() ? config.get(ConfigKey.START_DELAY) : StartDelay.NONE);
        return start(config, files, launch.instrumentation(), new StartTimes(launch::premainNanos, launch.enteredNanos()),
                proof, NativeAccessLoader.lazy(config.nativeDir(), launch.instrumentation()), pacing);
    }

    /** In-process (tests): the proof on a thread of this JVM. */
    static RunningAgent start(AgentArguments config, Instrumentation inst, StartTimes startTimes) {
        Supplier<Probed<NativeAccess>> nativeAccess = NativeAccessLoader.lazy(config.nativeDir(), inst);
        return start(config, EndpointConfig.read(config), inst, startTimes,
                new ThreadSeccompRunner(PROOF_TIMEOUT_MILLIS, nativeAccess.get()), nativeAccess, StartPacing.of(StartDelay.NONE));
    }

    /**
     * Order matters for start-up: the endpoint comes up first (scrapers and readiness checks get an
     * answer at once, without vdso_* series while nothing is known, as for any unknown value), then the
     * first probe (a few hundred ms: it proves the verdicts) binds the vdso_* metrics and logs the one
     * ready line, then refresh is scheduled, and the clock-call instrumentation installs last. The
     * endpoint binds before {@code pacing} lets the JVM's start go first (it answers "starting" meanwhile);
     * everything after it waits.
     */
    static RunningAgent start(AgentArguments config, EndpointConfig files, Instrumentation inst, StartTimes startTimes,
            SeccompRunner proof, Supplier<Probed<NativeAccess>> nativeAccess, StartPacing pacing) {
        String noRoom = Headroom.shortfall(Headroom.Step.ENDPOINT);
        if (noRoom != null) {
            log.warn("standing down, the application's memory comes first: {}", noRoom);
            return null;
        }
        long t0 = System.nanoTime();
        RunningAgent agent = new RunningAgent(config, files, null, startTimes, nativeAccess);
        String endpoint = agent.startHttp();
        long t1 = System.nanoTime();
        String waited;
        long t2;
        PrometheusMeterRegistry registry;
        try {
            waited = pacing.await();
            t2 = System.nanoTime();
            registry = newRegistry(config, AgentMode.JVM);
            agent.endpointFiles.bindTo(registry);
            Gauge.builder("vdso.agent.premain", startTimes, StartTimes::premainSeconds)
                    .description("Time spent inside the agent's premain/agentmain, before the application continued.")
                    .baseUnit("seconds")
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("vdso.agent.start", startTimes, StartTimes::startSeconds)
                    .description("Time from premain/agentmain to the agent fully started (endpoint, first probe, instrumentation), on its own thread.")
                    .baseUnit("seconds")
                    .strongReference(true)
                    .register(registry);
            BuildInfo.current().bindTo(registry);
            agent.registry = registry; // from here on the endpoint serves it
        } catch (RuntimeException | Error e) {
            // Until the registry is there the endpoint answers "starting" (up stays 1, nothing pages): a
            // start that fails in that window closes it, so the scrape fails and VdsoAgentDown fires.
            agent.close();
            throw e;
        }

        noRoom = Headroom.shortfall(Headroom.Step.FIRST_PROBE);
        if (noRoom != null) {
            agent.skipped("probe");
            log.warn("{}; {}", endpoint, noRoom);
            return agent;
        }
        ClockHealthService health = agent.firstProbe(proof);
        VdsoMetrics.builder(health.monitor()).exposeAddress(config.exposeAddress()).build().bindTo(registry);
        agent.health = health;
        if (agent.flightRecorder.record(health.monitor())) {
            log.debug(FLIGHT_RECORDER_LINE);
        }
        // The application's Spring Boot auto-configuration shows this instead of probing a second time.
        ClockHealthHandOff.publish(() -> HealthDetails.of(health.current()), agent::reportJson);
        long t3 = System.nanoTime();
        KernelIdentity kernel = health.current().host().kernel();
        log.info("{}{}, version {} ({}), {}", health.current().headline(),
                kernel.sandboxed() ? ", runtime " + kernel.runtimeLabel() : "", BuildInfo.current().version(),
                BuildInfo.current().revision(), endpoint);
        String degraded = DegradedReport.line(health.current(), agent.nativeAccess.get());
        if (degraded != null) {
            log.warn(degraded);
        }
        log.debug("endpoint {} ms, {}, registry and first probe {} ms (probe itself {} ms)",
                (t1 - t0) / 1_000_000, waited, (t3 - t2) / 1_000_000,
                health.current().probeWallNanos() / 1_000_000);
        // Loading Byte Buddy and retransforming loaded classes takes a few hundred ms; the verdicts
        // should not wait for it. Its jvm_clock_* series appear from the next scrape on.
        agent.instrumentClockCalls(inst);
        agent.startOtlp(health, AgentMode.JVM);
        startTimes.started();
        return agent;
    }

    /**
     * Node mode ({@code java -jar vdso-agent.jar serve}): the endpoint and the same probes and metrics, in
     * a process of its own, no application and no instrumentation. Blocks for the first probe.
     */
    static RunningAgent serve(AgentArguments config, EndpointConfig files) {
        PrometheusMeterRegistry registry = newRegistry(config, AgentMode.NODE);
        BuildInfo.current().bindTo(registry);
        RunningAgent agent = new RunningAgent(config, files, registry, null, NativeAccessLoader.lazy(config.nativeDir(), null));
        agent.endpointFiles.bindTo(registry);
        String endpoint = agent.startHttp();
        // Its own process: no application thread whose seccomp(TSYNC) a filtered thread could block.
        ClockHealthService health = agent.firstProbe(new ThreadSeccompRunner(PROOF_TIMEOUT_MILLIS, agent.nativeAccess.get()));
        VdsoMetrics.builder(health.monitor()).exposeAddress(config.exposeAddress()).build().bindTo(registry);
        agent.health = health;
        KernelIdentity kernel = health.current().host().kernel();
        log.info("{}{}, version {} ({}), node mode, {}", health.current().headline(),
                kernel.sandboxed() ? ", runtime " + kernel.runtimeLabel() : "", BuildInfo.current().version(),
                BuildInfo.current().revision(), endpoint);
        String degraded = DegradedReport.line(health.current(), agent.nativeAccess.get());
        if (degraded != null) {
            log.warn(degraded);
        }
        agent.startOtlp(health, AgentMode.NODE);
        return agent;
    }

    /** Off unless otlp-endpoint is set (the OTLP part is not even read then); the same meters as /metrics. */
    private void startOtlp(ClockHealthService health, AgentMode mode) {
        if (!config.get(ConfigKey.OTLP_ENDPOINT).isEmpty() && !config.pushRefused()) {
            String noRoom = Headroom.shortfall(Headroom.Step.OTLP_PUSH);
            if (noRoom != null) {
                skipped("otlp");
                log.warn(noRoom);
                return;
            }
            HostDetail detail = hostDetail(config, mode);
            otlp = OtlpPart.start(config, pushed -> {
                pushed.config().meterFilter(detail.meterFilter());
                mode.bindTo(pushed, detail);
                BuildInfo.current().bindTo(pushed);
                VdsoMetrics.builder(health.monitor()).exposeAddress(config.exposeAddress()).build().bindTo(pushed);
            }, registry);
            Headroom.shortfall(Headroom.Step.AFTER_START);
        }
    }

    /**
     * The registry every mode starts from: the host-detail filter first (a denied meter is never
     * registered, so it must be in place before any binder runs), then the mode. Node mode is
     * where the kernel's detail goes: it publishes it whatever host-detail says (a fleet-wide
     * VDSO_AGENT_HOST_DETAIL=summary must not leave it published nowhere).
     */
    static PrometheusMeterRegistry newRegistry(AgentArguments config, AgentMode mode) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HostDetail hostDetail = hostDetail(config, mode);
        registry.config().meterFilter(hostDetail.meterFilter());
        mode.bindTo(registry, hostDetail);
        for (Refusal refusal : config.refusals()) {
            RefusedGauge.register(registry, refusal);
        }
        return registry;
    }

    /** Node mode publishes the kernel's detail whatever host-detail says; a JVM agent follows the key. */
    private static HostDetail hostDetail(AgentArguments config, AgentMode mode) {
        return mode == AgentMode.NODE ? HostDetail.FULL : config.get(ConfigKey.HOST_DETAIL);
    }

    /** From the refresh thread: a recording may have started JFR since (jcmd JFR.start). */
    private void pollFlightRecorder() {
        if (flightRecorder.poll()) {
            log.debug(FLIGHT_RECORDER_LINE);
        }
    }

    /** A step the headroom check skipped: vdso_agent_skipped{step} = 1, the degraded reason on /metrics. */
    private void skipped(String step) {
        Gauge.builder("vdso.agent.skipped", () -> 1).tag("step", step)
                .description("A start-up step the agent skipped because the heap or metaspace had too little room left.")
                .register(registry);
    }

    private void instrumentClockCalls(Instrumentation inst) {
        String noRoom = config.instrument() ? Headroom.shortfall(Headroom.Step.INSTRUMENTATION) : null;
        if (noRoom != null) {
            skipped("instrumentation");
            log.warn(noRoom);
            return;
        }
        ClockCallInstrumentation installed = ClockCallInstrumentation.install(inst, config.instrumentSettings());
        installed.metrics().bindTo(registry);
        clockCalls = installed;
        Headroom.shortfall(Headroom.Step.AFTER_START);
    }

    /**
     * The first probe, on the agent thread (the service probes once when it starts), then the refresh
     * thread. Asks jffi not to use sun.misc.Unsafe (JDK 24+ warn on the application's stderr otherwise),
     * for our copy only: the property is put back once our jffi has read it.
     */
    private ClockHealthService firstProbe(SeccompRunner proof) {
        String previous = System.getProperty(JFFI_UNSAFE_DISABLED);
        if (previous == null) {
            System.setProperty(JFFI_UNSAFE_DISABLED, "true");
        }
        try {
            return ClockHealthService.builder()
                    .root(TestRoot.systemRoot())
                    .detectors(config.detectors())
                    .seccompRunner(proof)
                    .nativeAccess(nativeAccess)
                    .refresh(config.intervalMillis(), config.clocksourcePollMillis())
                    .onFailure((task, failure) -> log.warn("{} failed", task, failure))
                    .listener(new ChangeLogger())
                    .onPoll(this::retryHttp)
                    .onPoll(this::retryWaitingClasses)
                    .onPoll(this::pollFlightRecorder)
                    .start();
        } finally {
            if (previous == null) {
                System.clearProperty(JFFI_UNSAFE_DISABLED);
            }
        }
    }

    /**
     * Starts the endpoint; a bind failure or an unusable password or TLS file is one log line, the agent
     * keeps probing and tries again at each clocksource poll ({@link #retryHttp()}).
     */
    private String startHttp() {
        if (config.endpointRefused()) {
            return "metrics NOT served: refused " + refusedKeys(config.refusals()) + " (fail closed); probing continues";
        }
        EndpointConfig files = endpointFiles.current();
        if (!files.usable()) {
            return "metrics NOT served: refused " + refusedKeys(files.refusals()) + " (fail closed); probing "
                    + "continues, the files are read again every clocksource-poll";
        }
        String where = hostForLog(config.host()) + ":" + config.ports();
        try {
            EndpointSettings settings = files.settings();
            server = AgentHttpServer.start(settings, new EndpointContent() {
                @Override
                public MetricSnapshots scrape(Predicate<String> names) {
                    return registry.getPrometheusRegistry().scrape(names);
                }

                @Override
                public String reportJson() {
                    return RunningAgent.this.reportJson();
                }

                @Override
                public boolean starting() {
                    return registry == null;
                }
            });
            return "metrics on " + hostForLog(config.host()) + ":" + server.port() + settings.describe();
        } catch (IOException | RuntimeException e) {
            return "metrics NOT served: cannot listen on " + where + " (" + e.getMessage()
                    + "); probing continues, the port is tried again every clocksource-poll";
        }
    }

    /** From the refresh thread, attach mode: classes skipped while one of their methods was running. */
    private void retryWaitingClasses() {
        ClockCallInstrumentation instrumentation = clockCalls;
        if (instrumentation != null) {
            instrumentation.retryWaitingClasses();
        }
    }

    /** From the refresh thread: a port taken at start-up may have been freed since, a secret file mounted. */
    private void retryHttp() {
        if (server != null || config.endpointRefused() || !endpointFiles.usableAfterRetry()) {
            return;
        }
        String line = startHttp();
        if (server != null) {
            log.info("{} (on retry)", line);
        }
    }

    private static String hostForLog(String host) {
        return "0.0.0.0".equals(host) ? "" : host;
    }

    String reportJson() {
        ClockHealthService current = health;
        if (current == null) {
            throw new IllegalStateException("the first probe is still running");
        }
        return AgentReport.json(current.current(), config, endpointFiles.refusals(), clockCalls, server);
    }

    private static String refusedKeys(List<Refusal> refusals) {
        StringBuilder keys = new StringBuilder();
        for (Refusal refusal : refusals) {
            if (refusal.effect() == Refusal.Effect.ENDPOINT_OFF) {
                keys.append(keys.length() > 0 ? ", " : "").append(refusal.key());
            }
        }
        return keys.toString();
    }

    /** The port the endpoint listens on, or -1 when it is not served. */
    int port() {
        AgentHttpServer s = server;
        return s == null ? -1 : s.port();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    StartTimes startTimes() {
        return startTimes;
    }

    /**
     * Stops the endpoint (its workers and the JDK's dispatcher) and the refresh thread. The
     * instrumentation stays: rewritten classes cannot be un-rewritten safely, and it starts no thread.
     */
    @Override
    public void close() {
        AgentHttpServer s = server;
        if (s != null) {
            s.stop();
        }
        ClockHealthService h = health;
        if (h != null) {
            h.close();
        }
        flightRecorder.close();
        Closeable push = otlp;
        if (push != null) {
            try {
                push.close();
            } catch (IOException | RuntimeException e) {
                log.debug("OTLP push stop: {}", e.toString());
            }
        }
        PrometheusMeterRegistry r = registry;
        if (r != null) {
            r.close();
        }
    }

    /** Logs a clocksource or verdict change, once, on the refresh thread. */
    private static final class ChangeLogger implements ClockHealthMonitor.Listener {
        @Override
        public void onChange(ClockHealth before, ClockHealth after, boolean clocksourceChanged) {
            if (clocksourceChanged) {
                log.info("clocksource changed {} -> {}: {}", clocksource(before), clocksource(after),
                        after.headline());
            } else if (!before.headline().equals(after.headline())) {
                log.info("verdict changed: {}", after.headline());
            }
        }

        private static String clocksource(ClockHealth health) {
            return health.host().clocksource().known() ? health.host().clocksource().get().current() : "unknown";
        }
    }
}
