package io.vdsoagent.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The Grafana dashboard file (helm/vdso-agent/files/dashboard.json) and its panels' queries. */
final class Dashboard {
    final JsonNode json;

    private Dashboard(JsonNode json) {
        this.json = json;
    }

    static Dashboard load() throws IOException {
        return new Dashboard(new ObjectMapper().readTree(Files.readString(Chart.file("files/dashboard.json"))));
    }

    /** Every panel that shows data (rows are layout only), including panels nested in collapsed rows. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    record Query(String panel, String expr) {
        /** The query as Grafana would send it with every variable on "All" and a 1-minute rate window. */
        String withVariablesSubstituted() {
            return expr.replace("$cluster", ".*")
                    .replace("$namespace", ".*")
                    .replace("$job", ".*")
                    .replace("$instance", ".*")
                    .replace("$node", ".*")
                    .replace("$pod", ".*")
                    .replace("$__rate_interval", "1m");
        }
    }

    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }
}
