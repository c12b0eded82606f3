package io.vdsoagent.agent.http;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Predicate;

/**
 * What the endpoint serves, supplied by its owner. The server knows nothing else of the agent: it
 * negotiates the format, filters, compresses and writes; the owner only scrapes and reports.
 */
public interface EndpointContent {

    /** The current metrics, restricted to the names {@code names} accepts (as the Prometheus client filters). */
    MetricSnapshots scrape(Predicate<String> names);

    /**
     * The {@code /report} document.
     *
     * @throws Exception when there is nothing to report yet; the client gets a 503 with the message
     */
    String reportJson() throws Exception;

    /**
     * True while the owner defers its own start (start-delay): {@code /-/healthy} answers "starting",
     * {@code /metrics} only {@code vdso_agent_starting 1}, {@code /report} 503 with Retry-After, and
     * neither method above is called.
     */
    default boolean starting() {
        return false;
    }
}
