package io.vdsoagent.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vdsoagent.agent.config.Refusal;

/** {@code vdso_agent_config_refused{key,effect} 1}: one configuration value the agent did not use. */
final class RefusedGauge {
    private RefusedGauge() {
    }

    static Gauge register(MeterRegistry registry, Refusal refusal) {
        return Gauge.builder("vdso.agent.config.refused", () -> 1)
                .tags("key", refusal.key(), "effect", refusal.effect().label())
                .description("A configuration value the agent did not use: effect endpoint_off (a host, port, TLS or auth value, an unknown key), otlp_off (an otlp-* value) or default_used.")
                .register(registry);
    }
}
