package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartLintTest {

    @Test
    void lintStrictPasses() {
        LintResult result = new Helm(Chart.dir()).lint().strict().call();
        assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
    }

    @Test
    void lintStrictCatchesABrokenChart(@TempDir Path temp) throws IOException {
        Path copy = temp.resolve("vdso-agent");
        Chart.copy(Chart.dir(), copy);
        // a template that does not parse: proves the lint above can fail
        Files.writeString(copy.resolve("templates/broken.yaml"), "{{- if .Values.demo.enabled }}\nkind: x\n");
        LintResult result = new Helm(copy).lint().strict().call();
        assertTrue(result.isFailed(), () -> "expected a failure, got " + result.getMessages());
    }

    @Test
    void agentImageTagFollowsAppVersion() throws IOException {
        JsonNode chart = StrictManifests.yaml().readTree(Files.readString(Chart.file("Chart.yaml")));
        JsonNode values = StrictManifests.yaml().readTree(Files.readString(Chart.file("values.yaml")));
        assertEquals(chart.path("appVersion").asText(), values.path("agent").path("image").path("tag").asText(),
                "agent.image.tag in values.yaml must move with appVersion in Chart.yaml");
        assertFalse(chart.path("version").asText().isEmpty(), "the chart has its own version");
    }
}
