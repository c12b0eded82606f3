package agentit;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vdsoagent.agent.http.AgentHttpServer;
import io.vdsoagent.agent.http.EndpointContent;
import io.vdsoagent.agent.http.EndpointSettings;
import java.util.function.Predicate;

/**
 * The endpoint alone at exit: with "serve", starts the agent's HTTP server on a free port (printed as
 * "port N") and lets the test scrape it; without, starts nothing. Then as {@link ExitApp}: waits for a
 * line, prints "exit-at <epoch µs>" and leaves by System.exit ("exit") or by returning ("return").
 * Same class path, same JIT-cold code either way: the difference is the server's threads.
 */
public final class EndpointExitApp {
    private EndpointExitApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && "serve".equals(args[1])) {
            AgentHttpServer server = AgentHttpServer.start(EndpointSettings.of("127.0.0.1", 0, 0), new EndpointContent() {
                @Override
                public MetricSnapshots scrape(Predicate<String> names) {
                    return MetricSnapshots.of();
                }

                @Override
                public String reportJson() {
                    return "{}";
                }
            });
            System.out.println("port " + server.port());
        }
        ExitApp.main(args);
    }
}
