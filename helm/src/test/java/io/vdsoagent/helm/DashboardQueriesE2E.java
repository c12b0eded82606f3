package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard query parses as PromQL, checked by the real promtool without any running target:
 * each query (variables on "All") becomes a recording rule that promtool check rules must accept.
 */
class DashboardQueriesE2E {

    @Test
    void everyDashboardQueryIsValidPromQL(@TempDir Path temp) throws Exception {
        String promtool = DebianTools.require("promtool", "prometheus");
        List<Map<String, String>> rules = new ArrayList<>();
        int i = 0;
        for (Dashboard.Query query : Dashboard.load().queries()) {
            rules.add(Map.of("record", "dashboard:query_" + i++, "expr", query.withVariablesSubstituted()));
        }
        Path file = temp.resolve("dashboard-queries.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(),
                Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
        DebianTools.Result result = DebianTools.run(List.of(promtool, "check", "rules", file.toString()), temp, 60);
        assertEquals(0, result.exitCode, result.output);
    }
}
