package io.vdsoagent.agent.otlp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.base.DaemonThreads;
import java.io.Closeable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code otlp-endpoint}: the agent's {@code vdso_*} metrics pushed by Micrometer's own OTLP registry over
 * HTTP/protobuf every {@code otlp-interval}, from its own daemon thread ({@value #THREAD}-1) with bounded
 * connect and read timeouts, so a slow or absent collector delays only that thread. This package lives in
 * the nested OTLP part jar, loaded by the agent's {@code OtlpPart} only when the push is asked for.
 */
public final class OtlpPush implements Closeable {
    public static final String THREAD = "vdso-agent-otlp";
    private static final Logger log = LoggerFactory.getLogger(OtlpPush.class);

    private final PushMeterRegistry registry;

    private OtlpPush(PushMeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The part's entry point (called reflectively by {@code OtlpPart}): starts the push and binds
     * {@code meters} (the same binders as /metrics, filters first) to it; the export counts go on
     * {@code scrape}. Null when the push is off (the reason was one line).
     *
     * @param afterFirstExport run once, on the push thread, when the first export is over (sent or failed)
     */
    public static Closeable start(AgentArguments config, MeterBinder meters, MeterRegistry scrape,
                                  Runnable afterFirstExport) {
        OtlpSettings settings = OtlpSettings.from(config);
        if (settings == null) {
            return null;
        }
        ExportOutcomes outcomes = new ExportOutcomes(settings.endpointForLog(), afterFirstExport);
        PushMeterRegistry registry = MicrometerOtlp.start(settings, DaemonThreads.named(THREAD), outcomes);
        meters.bindTo(registry);
        outcomes.bindTo(scrape);
        log.debug("OTLP push to {} every {} ms", settings.endpointForLog(), settings.stepMillis());
        return new OtlpPush(registry);
    }

    /**
     * Stops the push thread without a last export: a collector that never answers must not hold the
     * application's exit ({@code close()} would publish once more, on the caller's thread).
     */
    @Override
    public void close() {
        registry.stop();
    }
}
