package io.vdsoagent.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.EndpointConfig;
import io.vdsoagent.agent.config.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * The endpoint's files (password, TLS) as last read, and the refusals they caused while they last: the
 * configuration read them first ({@link EndpointConfig}); while they cannot be used, each clocksource-poll
 * reads them again, and once they can, their refusals and {@code vdso_agent_config_refused} series end.
 * A late Kubernetes Secret thus gets an endpoint, with the auth and TLS it asks for, and never one without.
 */
final class EndpointFiles {
    private final AgentArguments config;
    private volatile EndpointConfig current;
    private MeterRegistry registry; // guarded by this
    private final List<Gauge> gauges = new ArrayList<Gauge>(); // guarded by this

    EndpointFiles(AgentArguments config, EndpointConfig first) {
        this.config = config;
        this.current = first;
    }

    EndpointConfig current() {
        return current;
    }

    /** The configuration's refusals and those of the files' last read. */
    List<Refusal> refusals() {
        List<Refusal> all = new ArrayList<Refusal>(config.refusals());
        all.addAll(current.refusals());
        return all;
    }

    /** A refused series per unusable file, in the registry the endpoint serves. */
    synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (Refusal refusal : current.refusals()) {
            gauges.add(RefusedGauge.register(registry, refusal));
        }
    }

    /**
     * Reads the files again if the last read refused one (never once they were usable: the endpoint
     * keeps what it started with), and the refused series follow. True when they are usable now.
     */
    synchronized boolean usableAfterRetry() {
        if (!current.usable()) {
            current = EndpointConfig.read(config);
            if (registry != null) {
                for (Gauge gauge : gauges) {
                    registry.remove(gauge);
                }
                gauges.clear();
                bindTo(registry);
            }
        }
        return current.usable();
    }
}
