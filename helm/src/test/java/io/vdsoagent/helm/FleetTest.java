package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fleet as an SRE installs it: one vdso-agent release (PodMonitor, rules, dashboard) and N application
 * releases that inject the agent through vdso-agent-inject. Everything rendered is checked against the
 * real Kubernetes and Prometheus Operator schemas and the "restricted" Pod Security Standard.
 */
class FleetTest {

    private static List<HasMetadata> renderFleet(int apps) throws IOException {
        List<HasMetadata> objects = new ArrayList<>(StrictManifests.parse(Chart.template(Map.of("demo.enabled", true))));
        for (int i = 1; i <= apps; i++) {
            objects.addAll(StrictManifests.parse(Chart.renderApp("app-" + i, Map.of())));
        }
        return objects;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void oneRuleSetAndOnePodMonitorWhateverTheNumberOfApps(int apps) throws IOException {
        List<HasMetadata> objects = renderFleet(apps);
        Map<String, Long> kinds = objects.stream().collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
        assertEquals(Map.of("PodMonitor", 1L, "PrometheusRule", 1L, "ConfigMap", 1L, "Deployment", apps + 1L), kinds);

        PodMonitor monitor = StrictManifests.single(objects, PodMonitor.class);
        String port = monitor.getSpec().getPodMetricsEndpoints().get(0).getPort();
        for (Deployment app : deployments(objects)) {
            Map<String, String> labels = app.getSpec().getTemplate().getMetadata().getLabels();
            monitor.getSpec().getSelector().getMatchLabels().forEach((key, value) ->
                    assertEquals(value, labels.get(key), app.getMetadata().getName() + " is selected by " + key));
            assertTrue(app.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream()).anyMatch(p -> port.equals(p.getName())),
                    app.getMetadata().getName() + " has the port the PodMonitor scrapes");
        }
        assertEquals(Boolean.TRUE, monitor.getSpec().getNamespaceSelector().getAny(), "apps live in their own namespaces");
    }

    /** Kubernetes' and the Prometheus Operator's own schemas accept every object of 1 and of 3 apps. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void everyRenderedObjectMatchesTheRealSchemas(int apps) throws Exception {
        List<JsonNode> documents = new ArrayList<>(StrictManifests.documents(Chart.template(Map.of("demo.enabled", true))));
        documents.addAll(StrictManifests.documents(Chart.template("all-features-values.yaml", Map.of())));
        for (int i = 1; i <= apps; i++) {
            documents.addAll(StrictManifests.documents(Chart.renderApp("app-" + i, Map.of())));
        }
        DebianTools.Result result = SchemaCheck.kubernetes(documents);
        assertEquals(0, result.exitCode, result.output);
        assertEquals(documents.size(), result.output.lines().filter(l -> l.startsWith("ok ")).count(), result.output);
    }

    @Test
    void theSchemaCheckRejectsABrokenObject() throws Exception {
        JsonNode monitor = StrictManifests.documents(Chart.template(Map.of())).stream()
                .filter(d -> d.path("kind").asText().equals("PodMonitor")).findFirst().orElseThrow();
        ((com.fasterxml.jackson.databind.node.ObjectNode) monitor.path("spec").path("podMetricsEndpoints").get(0))
                .put("interval", "every 30 seconds");
        DebianTools.Result result = SchemaCheck.kubernetes(List.of(monitor));
        assertNotEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("interval"), result.output);
    }

    /**
     * The fields the "restricted" Pod Security Standard checks, on every pod the charts render: the
     * vdso-agent init container by itself, the pods through vdso-agent.podSecurityContext.
     */
    @Test
    void everyRenderedPodMeetsTheRestrictedPodSecurityStandard() throws IOException {
        List<HasMetadata> objects = new ArrayList<>(renderFleet(3));
        objects.addAll(StrictManifests.parse(Chart.template("all-features-values.yaml", Map.of())));
        objects.addAll(StrictManifests.parse(Chart.template(Map.of("nodeMode.enabled", true))));
        Map<String, PodSpec> pods = new java.util.LinkedHashMap<>();
        deployments(objects).forEach(d -> pods.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        objects.stream().filter(o -> o instanceof DaemonSet).map(o -> (DaemonSet) o)
                .forEach(d -> pods.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        assertTrue(pods.keySet().stream().anyMatch(n -> n.endsWith("-node")), "the node-mode DaemonSet is checked too: " + pods.keySet());
        for (Map.Entry<String, PodSpec> entry : pods.entrySet()) {
            PodSpec pod = entry.getValue();
            PodSecurityContext podContext = pod.getSecurityContext();
            String name = entry.getKey();
            for (Boolean host : new Boolean[] {pod.getHostPID(), pod.getHostNetwork(), pod.getHostIPC()}) {
                assertNotEquals(Boolean.TRUE, host, name + " shares a host namespace");
            }
            List<Container> containers = new ArrayList<>(pod.getInitContainers());
            containers.addAll(pod.getContainers());
            for (Container container : containers) {
                SecurityContext context = container.getSecurityContext();
                String where = name + "/" + container.getName();
                assertTrue(context != null, where + " has no securityContext");
                assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), where);
                assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), where);
                assertTrue(Boolean.TRUE.equals(context.getRunAsNonRoot())
                        || (podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot())), where + " runAsNonRoot");
                String seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile().getType()
                        : podContext != null && podContext.getSeccompProfile() != null ? podContext.getSeccompProfile().getType() : null;
                assertEquals("RuntimeDefault", seccomp, where + " seccompProfile");
                assertTrue(context.getRunAsUser() == null || context.getRunAsUser() != 0, where + " runs as root");
                container.getPorts().forEach(p -> assertTrue(p.getHostPort() == null || p.getHostPort() == 0, where + " hostPort"));
            }
            pod.getVolumes().forEach(v -> assertTrue(v.getEmptyDir() != null || v.getSecret() != null,
                    name + ": volume type allowed by restricted: " + v.getName()));
        }
    }

    private static List<Deployment> deployments(List<HasMetadata> objects) {
        return objects.stream().filter(o -> o instanceof Deployment).map(o -> (Deployment) o).collect(Collectors.toList());
    }
}
