package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert rules checked and unit-tested by the real promtool (Debian package prometheus). */
class VdsoAlertRulesE2E {
    private final String promtool = DebianTools.require("promtool", "prometheus");

    @Test
    void alertsFileIsCleanForPromtool() throws Exception {
        DebianTools.Result result = promtool(List.of("check", "rules", Chart.file("files/alerts.yaml").toString()));
        assertEquals(0, result.exitCode, result.output);
        // the alerts plus the one recording rule they join with (instance:vdso_kernel:info)
        assertTrue(result.output.contains("SUCCESS: " + (ChartTemplateTest.alertsFile().size() + 1) + " rules found"), result.output);
        assertTrue(!result.output.contains("WARNING"), result.output);
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        List<String> command = new ArrayList<>(List.of("test", "rules"));
        try (Stream<Path> files = Files.list(Chart.dir().getParent().resolve("src/test/promtool"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> command.add(f.toString()));
        }
        assertTrue(command.size() > 2, "no promtool test files");
        DebianTools.Result result = promtool(command);
        assertEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("SUCCESS"), result.output);
    }

    /** The PrometheusRule the chart renders holds rules Prometheus accepts, with default and changed values. */
    @Test
    void renderedPrometheusRulesAreCleanForPromtool(@TempDir Path temp) throws Exception {
        for (String values : new String[] {null, "all-features-values.yaml"}) {
            PrometheusRule rule = StrictManifests.single(
                    StrictManifests.parse(Chart.template(values, Map.of())), PrometheusRule.class);
            Path rulesFile = temp.resolve("rendered-" + values + ".yaml");
            new ObjectMapper(new YAMLFactory()).writeValue(rulesFile.toFile(), Map.of("groups", rule.getSpec().getGroups()));
            DebianTools.Result result = promtool(List.of("check", "rules", rulesFile.toString()));
            assertEquals(0, result.exitCode, values + ": " + result.output);
        }
    }

    /** Every alert of the file has a promtool case where it fires and one where it does not. */
    @Test
    void everyAlertIsUnitTestedFiringAndNotFiring() throws IOException {
        Map<String, int[]> cases = new java.util.TreeMap<>();
        ChartTemplateTest.alertsFile().keySet().forEach(alert -> cases.put(alert, new int[2]));
        try (Stream<Path> files = Files.list(Chart.dir().getParent().resolve("src/test/promtool"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).path("tests").forEach(test ->
                        test.path("alert_rule_test").forEach(check -> {
                            int[] counts = cases.get(check.path("alertname").asText());
                            if (counts != null) {
                                counts[check.path("exp_alerts").size() > 0 ? 0 : 1]++;
                            }
                        }));
            }
        }
        cases.forEach((alert, counts) -> {
            assertTrue(counts[0] > 0, alert + " is never tested firing");
            assertTrue(counts[1] > 0, alert + " is never tested not firing");
        });
    }

    @Test
    void promtoolRejectsABrokenRule(@TempDir Path temp) throws Exception {
        Path broken = temp.resolve("alerts.yaml");
        Files.writeString(broken, Files.readString(Chart.file("files/alerts.yaml"))
                .replace("vdso_aslr_mode == 0", "vdso_aslr_mode == == 0"));
        assertNotEquals(0, promtool(List.of("check", "rules", broken.toString())).exitCode);
    }

    private DebianTools.Result promtool(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool);
        command.addAll(args);
        return DebianTools.run(command, Chart.dir(), 120);
    }
}
