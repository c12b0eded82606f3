package io.vdsoagent.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vdsoagent.publish.HostDetail;

/**
 * Where the probes run: inside an application's JVM ({@code -javaagent}, attach) or on their own for the
 * node ({@code serve}, {@code report --prom}). Published as {@code vdso_agent_mode_info{mode,host_detail}},
 * so queries can tell a node's own answer from its JVMs' and see which JVMs left the kernel's detail out.
 */
enum AgentMode {
    JVM("jvm"),
    NODE("node");

    private final String label;

    AgentMode(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    void bindTo(MeterRegistry registry, HostDetail hostDetail) {
        Gauge.builder("vdso.agent.mode.info", () -> 1)
                .tag("mode", label)
                .tag("host_detail", hostDetail.label())
                .description("Always 1; mode: jvm (an agent inside an application) or node (serve, report --prom); host_detail: full or summary.")
                .register(registry);
    }
}
