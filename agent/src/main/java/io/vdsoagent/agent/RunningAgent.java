package io.vdsoagent.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.agent.http.AgentHttpServer;
import io.vdsoagent.agent.http.EndpointSecurity;
import io.vdsoagent.agent.instrument.ClockCallInstrumentation;
import io.vdsoagent.agent.instrument.CountMode;
import io.vdsoagent.agent.instrument.InstrumentSettings;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.publish.JsonReport;
import io.vdsoagent.publish.VdsoMetrics;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.SystemRoot;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent once started: first probe, metrics registry, HTTP endpoint, and one scheduler thread
 * ({@code vdso-agent-refresh}) that re-reads the clocksource every {@code clocksource-poll} and re-probes
 * every {@code interval}. Everything it starts is a daemon; failures degrade a part, never the JVM.
 */
final class RunningAgent {
    private static final Logger log = LoggerFactory.getLogger(RunningAgent.class);
    /** jffi reads this once, when it first loads; we restore the property right after. */
    private static final String JFFI_UNSAFE_DISABLED = "jffi.unsafe.disabled";

    private final AgentConfig config;
    private final PrometheusMeterRegistry registry;
    /** Null until the first probe completes: until then /metrics has no vdso_* series (unknown). */
    private volatile ClockHealthMonitor monitor;
    private volatile ClockCallInstrumentation clockCalls;
    private volatile AgentHttpServer server;

    private RunningAgent(AgentConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /**
     * Order matters for start-up: the endpoint comes up first (scrapers and readiness checks get an
     * answer at once, without vdso_* series while nothing is known, as for any unknown value), then the
     * first probe (a few hundred ms: it proves the verdicts) binds the vdso_* metrics and logs the one
     * ready line, then refresh is scheduled, and the clock-call instrumentation installs last.
     */
    static RunningAgent start(AgentConfig config, Instrumentation inst, AtomicLong premainNanos) {
        String noRoom = Headroom.shortfall(Headroom.Step.ENDPOINT);
        if (noRoom != null) {
            log.warn("standing down, the application's memory comes first: {}", noRoom);
            return null;
        }
        long t0 = System.nanoTime();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("vdso.agent.premain", premainNanos, RunningAgent::seconds)
                .description("Time spent inside the agent's premain/agentmain, before the application continued.")
                .baseUnit("seconds")
                .register(registry);
        RunningAgent agent = new RunningAgent(config, registry);
        long t1 = System.nanoTime();
        String endpoint = agent.startHttp();
        long t2 = System.nanoTime();

        noRoom = Headroom.shortfall(Headroom.Step.FIRST_PROBE);
        if (noRoom != null) {
            agent.skipped("probe");
            log.warn("{}; {}", endpoint, noRoom);
            return agent;
        }
        ClockHealthMonitor monitor = firstProbe(config);
        VdsoMetrics.builder(monitor).exposeAddress(config.exposeAddress()).build().bindTo(registry);
        agent.monitor = monitor;
        long t3 = System.nanoTime();
        log.info("{}, {}", monitor.current().headline(), endpoint);
        String degraded = DegradedReport.line(monitor.current());
        if (degraded != null) {
            log.warn(degraded);
        }
        log.debug("registry {} ms, endpoint {} ms, first probe {} ms (probe itself {} ms)",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                monitor.current().probeWallNanos() / 1_000_000);
        agent.scheduleRefresh();
        // Loading Byte Buddy and retransforming loaded classes takes a few hundred ms; the verdicts
        // should not wait for it. Its jvm_clock_* series appear from the next scrape on.
        agent.instrumentClockCalls(inst);
        return agent;
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
        InstrumentSettings settings = new InstrumentSettings(config.instrument(),
                String.join(",", config.instrumentInclude()), String.join(",", config.instrumentExclude()),
                config.sampleEvery(), config.topSites(), CountMode.parse(config.countMode()));
        ClockCallInstrumentation installed = ClockCallInstrumentation.install(inst, settings);
        installed.metrics().bindTo(registry);
        clockCalls = installed;
        Headroom.shortfall(Headroom.Step.AFTER_START);
    }

    /**
     * The first probe, on the agent thread (the monitor's constructor probes). Asks jffi not to
     * use sun.misc.Unsafe (JDK 24+ warn on the application's stderr otherwise), for our copy only: the
     * property is put back once our jffi has read it.
     */
    private static ClockHealthMonitor firstProbe(AgentConfig config) {
        String previous = System.getProperty(JFFI_UNSAFE_DISABLED);
        if (previous == null) {
            System.setProperty(JFFI_UNSAFE_DISABLED, "true");
        }
        try {
            SystemRoot root = TestRoot.systemRoot();
            Prober prober = Prober.builder()
                    .root(root)
                    .detectors(config.detectors())
                    .build();
            return new ClockHealthMonitor(prober, new ClocksourceReader(root));
        } finally {
            if (previous == null) {
                System.clearProperty(JFFI_UNSAFE_DISABLED);
            }
        }
    }

    /** Starts the endpoint; a bind failure is one log line, the agent keeps probing. */
    private String startHttp() {
        EndpointSecurity security = EndpointSecurity.of(config.basicAuthUser(), config.basicAuthPassword(),
                config.getString("tls-keystore"), config.getString("tls-keystore-password"));
        try {
            server = AgentHttpServer.start(config.host(), config.port(), registry.getPrometheusRegistry(),
                    new Callable<String>() {
                        @Override
                        public String call() {
                            return reportJson();
                        }
                    }, security);
            return "metrics on " + hostForLog(config.host()) + ":" + server.port() + security.describe();
        } catch (IOException | RuntimeException e) {
            return "metrics NOT served: cannot listen on " + hostForLog(config.host()) + ":" + config.port()
                    + " (" + e.getMessage() + "); probing continues";
        }
    }

    private static String hostForLog(String host) {
        return "0.0.0.0".equals(host) ? "" : host;
    }

    String reportJson() {
        ClockHealthMonitor current = monitor;
        if (current == null) {
            throw new IllegalStateException("the first probe is still running");
        }
        Map<String, String> extra = new LinkedHashMap<String, String>();
        ClockCallInstrumentation instrumentation = clockCalls;
        if (instrumentation != null && instrumentation.isInstalled()) {
            extra.put("topCallSites", instrumentation.topSitesJson(config.topSites()));
        }
        return JsonReport.toJson(current.current(), config.exposeAddress(), Collections.unmodifiableMap(extra));
    }

    private void scheduleRefresh() {
        final ClockHealthMonitor monitor = this.monitor;
        monitor.addListener(new ClockHealthMonitor.Listener() {
            @Override
            public void onChange(ClockHealth before, ClockHealth after, boolean clocksourceChanged) {
                if (clocksourceChanged) {
                    log.info("clocksource changed {} -> {}: {}", clocksource(before), clocksource(after),
                            after.headline());
                } else if (!before.headline().equals(after.headline())) {
                    log.info("verdict changed: {}", after.headline());
                }
            }
        });
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("vdso-agent-refresh"));
        long poll = config.clocksourcePollMillis();
        long interval = config.intervalMillis();
        scheduler.scheduleWithFixedDelay(guarded("clocksource poll", new Runnable() {
            @Override
            public void run() {
                monitor.pollClocksource();
            }
        }), poll, poll, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("re-probe", new Runnable() {
            @Override
            public void run() {
                monitor.reprobe();
            }
        }), interval, interval, TimeUnit.MILLISECONDS);
    }

    private static String clocksource(ClockHealth health) {
        return health.host().clocksource().known() ? health.host().clocksource().get().current() : "unknown";
    }

    /** A task that throws would be cancelled silently by the scheduler: log it and keep the schedule. */
    private static Runnable guarded(final String what, final Runnable task) {
        return new Runnable() {
            @Override
            public void run() {
                try {
                    task.run();
                } catch (Throwable t) {
                    log.warn("{} failed", what, t);
                }
            }
        };
    }

    private static double seconds(AtomicLong nanos) {
        long n = nanos.get();
        return n < 0 ? Double.NaN : n / 1e9;
    }
}
