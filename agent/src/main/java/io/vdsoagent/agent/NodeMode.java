package io.vdsoagent.agent;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.EndpointConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.publish.VdsoMetrics;
import java.io.Closeable;

/**
 * The probes for the node, without an application: {@code serve} (a long-running endpoint) and
 * {@code report --prom} (one probe written for node_exporter's textfile collector). The same keys and
 * the same metrics as the agent, with {@code vdso_agent_mode_info{mode="node"}}.
 */
public final class NodeMode {
    private NodeMode() {
    }

    /**
     * Starts the endpoint and the probes; close() stops them. Returns once the first probe is done.
     *
     * @param endpoint the endpoint's files as the configuration read them
     */
    public static Closeable serve(AgentArguments config, EndpointConfig endpoint) {
        return RunningAgent.serve(config, endpoint);
    }

    /** What {@code serve} would answer on /metrics for this monitor's snapshot, in Prometheus' text format. */
    public static String exposition(AgentArguments config, ClockHealthMonitor monitor) {
        PrometheusMeterRegistry registry = RunningAgent.newRegistry(config, AgentMode.NODE);
        try {
            BuildInfo.current().bindTo(registry);
            VdsoMetrics.builder(monitor).exposeAddress(config.exposeAddress()).build().bindTo(registry);
            return registry.scrape();
        } finally {
            registry.close();
        }
    }
}
