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
    void lintStrictPasses() throws IOException {
        for (String chart : new String[] {"vdso-agent", "vdso-agent-inject", "shop-api"}) {
            LintResult result = new Helm(Chart.staged().resolve(chart)).lint().strict().call();
            assertFalse(result.isFailed(), () -> chart + ": helm lint --strict: " + result.getMessages());
        }
    }

    @Test
    void lintStrictCatchesABrokenChart(@TempDir Path temp) throws IOException {
        Path copy = temp.resolve("vdso-agent");
        Chart.copy(Chart.staged().resolve("vdso-agent"), copy);
        // a template that does not parse: proves the lint above can fail
        Files.writeString(copy.resolve("templates/broken.yaml"), "{{- if .Values.demo.enabled }}\nkind: x\n");
        LintResult result = new Helm(copy).lint().strict().call();
        assertTrue(result.isFailed(), () -> "expected a failure, got " + result.getMessages());
    }

    /**
     * The default image is the one `mvn -Pimage package` builds (helm/pom.xml image.repository), tagged
     * with the agent's version: in a release, the project version; between releases the charts name the
     * next release (the project version without -SNAPSHOT), and `-Prelease` packages them with the jar's.
     */
    @Test
    void agentImageIsWhatTheImageProfileBuilds() throws IOException {
        JsonNode chart = StrictManifests.yaml().readTree(Files.readString(Chart.file("Chart.yaml")));
        JsonNode inject = StrictManifests.yaml().readTree(Files.readString(Chart.injectDir().resolve("Chart.yaml")));
        JsonNode values = StrictManifests.yaml().readTree(Files.readString(Chart.injectDir().resolve("values.yaml")));
        String pom = Files.readString(Chart.dir().getParent().resolve("pom.xml"));
        JsonNode image = values.path("agent").path("image");
        assertTrue(pom.contains("<image.repository>" + image.path("repository").asText() + "</image.repository>"), "repository");
        assertTrue(pom.contains("<image.tag>${project.version}</image.tag>"), "the image's tag is the jar's version");
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("<parent>[\\s\\S]*?<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find(), "the project version in helm/pom.xml");
        assertEquals(version.group(1).replaceFirst("-SNAPSHOT$", ""), image.path("tag").asText(), "tag");
        assertEquals(chart.path("appVersion").asText(), image.path("tag").asText(), "the tag moves with appVersion");
        assertEquals(chart.path("appVersion").asText(), inject.path("appVersion").asText());
        assertFalse(chart.path("version").asText().isEmpty(), "the chart has its own version");
    }
}
