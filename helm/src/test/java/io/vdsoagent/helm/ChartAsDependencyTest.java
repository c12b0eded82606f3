package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's chart (src/test/charts/shop-api) lists vdso-agent as a dependency and includes the named
 * templates in its own Deployment: the values come from .Values.vdso-agent, never from the user's keys.
 */
class ChartAsDependencyTest {

    @Test
    void parentChartInjectsTheAgentWithTheNamedTemplates(@TempDir Path temp) throws IOException {
        Chart.copy(Chart.dir(), temp.resolve("vdso-agent"));
        Path parent = temp.resolve("shop-api");
        Chart.copy(Chart.dir().getParent().resolve("src/test/charts/shop-api"), parent);
        new Helm(parent).dependency().build().call();
        LintResult lint = new Helm(parent).lint().strict().call();
        assertFalse(lint.isFailed(), () -> "helm lint --strict: " + lint.getMessages());

        String rendered = new Helm(parent).template().withName("shop").withNamespace("shop").call();
        List<HasMetadata> objects = StrictManifests.parse(rendered);
        assertEquals(List.of("Deployment", "PodMonitor", "PrometheusRule"),
                objects.stream().map(HasMetadata::getKind).sorted().toList(), "dashboard switched off by the parent");

        Deployment deployment = StrictManifests.single(objects, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container init = pod.getInitContainers().get(0);
        assertEquals("ghcr.io/vdso-agent/vdso-agent-jar:0.1.0", init.getImage(), "the subchart's default image");
        Container api = pod.getContainers().get(0);
        assertEquals("-javaagent:/vdso-agent/vdso-agent.jar=port=9419,interval=30s", api.getEnv().get(0).getValue(),
                "agent.args from the parent's vdso-agent: section");
        assertEquals("vdso-metrics", api.getPorts().get(1).getName());
        assertEquals(init.getVolumeMounts().get(0).getName(), pod.getVolumes().get(0).getName());

        PodMonitor monitor = StrictManifests.single(objects, PodMonitor.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        monitor.getSpec().getSelector().getMatchLabels().forEach((key, value) ->
                assertEquals(value, podLabels.get(key), "the PodMonitor selects the parent's pods by " + key));
        assertTrue(rendered.contains("shop-vdso-agent"), "subchart objects are named after the release");
    }
}
