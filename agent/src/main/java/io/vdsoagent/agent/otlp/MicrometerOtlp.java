package io.vdsoagent.agent.otlp;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/** Micrometer's own OTLP registry, set from the agent's keys only (no otlp.* properties, no OTEL_*_HEADERS). */
final class MicrometerOtlp {
    /** Bounded: a collector that accepts and never answers holds the push thread at most this long. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private MicrometerOtlp() {
    }

    /**
     * Started: the push thread from {@code threads}; every export told to {@code outcomes}, none
     * failing into Micrometer (which would log each one).
     */
    static PushMeterRegistry start(OtlpSettings settings, ThreadFactory threads, ExportOutcomes outcomes) {
        final String url = settings.endpoint().toString();
        final Map<String, String> headers = settings.headers();
        final Duration step = Duration.ofMillis(settings.stepMillis());
        OtlpConfig config = new OtlpConfig() {
            @Override
            public String get(String key) {
                return null; // no otlp.* properties: only what the agent was given
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public Map<String, String> headers() {
                return headers; // never OTEL_EXPORTER_OTLP_HEADERS: the agent's keys decide where secrets go
            }

            @Override
            public Duration step() {
                return step;
            }
        };
        OtlpHttpMetricsSender http = new OtlpHttpMetricsSender(new HttpUrlConnectionSender(CONNECT_TIMEOUT, READ_TIMEOUT));
        return OtlpMeterRegistry.builder(config)
                .clock(Clock.SYSTEM)
                .threadFactory(threads)
                .metricsSender(new Counted(http, outcomes))
                .build();
    }

    /** Every export counted; a failure goes to the outcomes, never back to Micrometer (which logs each one). */
    private static final class Counted implements OtlpMetricsSender {
        private final OtlpMetricsSender delegate;
        private final ExportOutcomes outcomes;

        Counted(OtlpMetricsSender delegate, ExportOutcomes outcomes) {
            this.delegate = delegate;
            this.outcomes = outcomes;
        }

        @Override
        public void send(Request request) {
            try {
                delegate.send(request);
                outcomes.sent();
            } catch (Exception e) {
                // the message only: the request (and so the headers) is never printed
                outcomes.failed(e.getCause() != null ? e.getCause().toString() : e.toString());
            }
        }
    }
}
