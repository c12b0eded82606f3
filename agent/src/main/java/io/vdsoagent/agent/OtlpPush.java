package io.vdsoagent.agent;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.vdsoagent.base.DaemonThreads;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.publish.HostDetail;
import io.vdsoagent.publish.VdsoMetrics;
import java.io.Closeable;
import java.time.Duration;
import java.util.Map;

/**
 * {@code otlp-endpoint}: the same {@code vdso_*} metrics (and the build info) pushed by Micrometer's own
 * OTLP registry over HTTP/protobuf, every {@code interval}, from its own daemon thread
 * ({@value #THREAD}-1) with bounded connect and read timeouts: a slow or absent collector delays only
 * that thread. Export failures are Micrometer's to log (at the agent's log level) and retry next step.
 */
final class OtlpPush implements Closeable {
    static final String THREAD = "vdso-agent-otlp";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final OtlpMeterRegistry registry;

    private OtlpPush(OtlpMeterRegistry registry) {
        this.registry = registry;
    }

    static OtlpPush start(String endpoint, Map<String, String> headers, long stepMillis, ClockHealthMonitor monitor,
                          boolean exposeAddress, AgentMode mode, HostDetail hostDetail) {
        final Duration step = Duration.ofMillis(stepMillis);
        OtlpConfig config = new OtlpConfig() {
            @Override
            public String get(String key) {
                return null; // no properties and no OTEL_* environment: only what the agent was given
            }

            @Override
            public String url() {
                return endpoint;
            }

            @Override
            public Map<String, String> headers() {
                return headers;
            }

            @Override
            public Duration step() {
                return step;
            }
        };
        OtlpMeterRegistry registry = OtlpMeterRegistry.builder(config)
                .clock(Clock.SYSTEM)
                .threadFactory(DaemonThreads.named(THREAD))
                .metricsSender(new OtlpHttpMetricsSender(new HttpUrlConnectionSender(CONNECT_TIMEOUT, READ_TIMEOUT)))
                .build();
        // The same series as /metrics: the host-detail filter before any binder, then build and mode.
        registry.config().meterFilter(hostDetail.meterFilter());
        VdsoMetrics.builder(monitor).exposeAddress(exposeAddress).build().bindTo(registry);
        BuildInfo.current().bindTo(registry);
        mode.bindTo(registry, hostDetail);
        return new OtlpPush(registry);
    }

    /** Stops the push thread after one last export (bounded by the timeouts). */
    @Override
    public void close() {
        registry.close();
    }
}
