package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Basic auth and TLS reach the agent as files from mounted Secrets (TLS as PEM from a
 * {@code kubernetes.io/tls} Secret), never as environment variables; and the ServiceMonitor option scrapes
 * the same agents through the applications' Services. Rendered by the real helm, checked against the
 * real Kubernetes and Prometheus Operator schemas.
 */
class SecretFilesAndServiceMonitorTest {
    private static final Pattern FILE_ARG = Pattern.compile("(basic-auth-password-file|tls-cert-file|tls-key-file)=([^, ]+)");
    private static final Map<String, Object> AUTH_AND_TLS = Map.of(
            "vdso-agent-inject.agent.basicAuth.enabled", true,
            "vdso-agent-inject.agent.basicAuth.existingSecret", "shop-metrics-auth",
            "vdso-agent-inject.agent.tls.enabled", true,
            "vdso-agent-inject.agent.tls.existingSecret", "shop-metrics-tls");

    /**
     * Each file the agent is told to read (-javaagent's *-file arguments) lies in a read-only mount of a
     * Secret volume that projects exactly that key: followed from the argument to the Secret and key.
     */
    @Test
    void thePasswordAndThePemFilesAreSecretKeysMountedWhereTheAgentReadsThem() throws IOException {
        Deployment app = StrictManifests.single(StrictManifests.parse(Chart.renderApp("shop", AUTH_AND_TLS)), Deployment.class);
        PodSpec pod = app.getSpec().getTemplate().getSpec();
        Container api = pod.getContainers().get(0);
        String options = api.getEnv().stream().filter(e -> "JAVA_TOOL_OPTIONS".equals(e.getName())).findFirst()
                .orElseThrow().getValue();
        Map<String, String> sources = new LinkedHashMap<>();
        Matcher m = FILE_ARG.matcher(options);
        while (m.find()) {
            sources.put(m.group(1), secretKeyBehind(m.group(2), api, pod));
        }
        assertEquals(Map.of("basic-auth-password-file", "shop-metrics-auth/password",
                "tls-cert-file", "shop-metrics-tls/tls.crt",
                "tls-key-file", "shop-metrics-tls/tls.key"), sources, options);
        assertFalse(options.contains("keystore"), options);
        // no secret in the environment: only the user name (no secret) comes as a secretKeyRef
        api.getEnv().forEach(e -> assertFalse(e.getName().contains("PASSWORD") || e.getName().contains("TLS"), e.getName()));
        api.getEnv().stream().filter(e -> e.getValueFrom() != null).forEach(e ->
                assertEquals("username", e.getValueFrom().getSecretKeyRef().getKey(), e.getName()));
    }

    private static String secretKeyBehind(String file, Container container, PodSpec pod) {
        int slash = file.lastIndexOf('/');
        String dir = file.substring(0, slash);
        String name = file.substring(slash + 1);
        VolumeMount mount = container.getVolumeMounts().stream().filter(v -> v.getMountPath().equals(dir)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + dir + " for " + file));
        assertEquals(Boolean.TRUE, mount.getReadOnly(), dir + " read-only");
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertTrue(volume.getSecret() != null, mount.getName() + " is a Secret volume");
        KeyToPath item = volume.getSecret().getItems().stream().filter(i -> i.getPath().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is not projected from " + volume.getSecret().getSecretName()));
        return volume.getSecret().getSecretName() + "/" + item.getKey();
    }

    @Test
    void oneServiceMonitorSelectsTheApplicationsServiceAndScrapesTheAgentPort() throws IOException {
        List<HasMetadata> fleet = StrictManifests.parse(Chart.template(Map.of("serviceMonitor.enabled", true,
                "podMonitor.enabled", false)));
        assertTrue(StrictManifests.ofKind(fleet, PodMonitor.class).isEmpty(), "no PodMonitor beside it");
        ServiceMonitor monitor = StrictManifests.single(fleet, ServiceMonitor.class);
        assertEquals(Boolean.TRUE, monitor.getSpec().getNamespaceSelector().getAny());

        List<HasMetadata> app = StrictManifests.parse(Chart.renderApp("shop", Map.of("service.enabled", true)));
        Service service = StrictManifests.single(app, Service.class);
        Deployment deployment = StrictManifests.single(app, Deployment.class);
        monitor.getSpec().getSelector().getMatchLabels().forEach((key, value) ->
                assertEquals(value, service.getMetadata().getLabels().get(key), "the Service is selected by " + key));
        String portName = monitor.getSpec().getEndpoints().get(0).getPort();
        ServicePort port = service.getSpec().getPorts().stream().filter(p -> portName.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the Service has no port " + portName));
        String target = port.getTargetPort().getStrVal();
        assertTrue(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .anyMatch(p -> target.equals(p.getName()) && p.getContainerPort() == 9419), "targetPort " + target);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        service.getSpec().getSelector().forEach((key, value) ->
                assertEquals(value, podLabels.get(key), "the Service selects the pods by " + key));
        assertEquals(List.of("namespace", "pod", "node"), monitor.getSpec().getEndpoints().get(0).getRelabelings()
                .stream().map(r -> r.getTargetLabel()).toList(), "the labels the dashboard's variables read");
    }

    @Test
    void bothMonitorsAtOnceAreRefused() {
        Exception refused = assertThrows(Exception.class, () -> Chart.template(Map.of("serviceMonitor.enabled", true)));
        assertTrue(refused.getMessage().contains("scrape every agent twice"), refused.getMessage());
    }

    /** The real schemas accept the ServiceMonitor (with every option), the Service and the pods with Secret files. */
    @Test
    void everyNewObjectMatchesTheRealSchemas() throws Exception {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("serviceMonitor.enabled", true);
        all.put("podMonitor.enabled", false);
        all.put("serviceMonitor.scheme", "https");
        all.put("serviceMonitor.tlsConfig.serverName", "vdso-agent");
        all.put("serviceMonitor.tlsConfig.ca.secret.name", "vdso-agent-ca");
        all.put("serviceMonitor.tlsConfig.ca.secret.key", "ca.crt");
        all.put("serviceMonitor.basicAuth.existingSecret", "vdso-agent-auth");
        all.put("serviceMonitor.interval", "15s");
        all.put("serviceMonitor.namespaceSelector.matchNames[0]", "shop");
        all.put("serviceMonitor.additionalLabels.release", "kube-prometheus-stack");
        List<JsonNode> documents = new ArrayList<>(StrictManifests.documents(Chart.template(all)));
        Map<String, Object> app = new LinkedHashMap<>(AUTH_AND_TLS);
        app.put("service.enabled", true);
        documents.addAll(StrictManifests.documents(Chart.renderApp("shop", app)));
        List<String> kinds = documents.stream().map(d -> d.path("kind").asText()).toList();
        assertTrue(kinds.contains("ServiceMonitor") && kinds.contains("Service") && kinds.contains("Deployment"), kinds.toString());
        DebianTools.Result result = SchemaCheck.kubernetes(documents);
        assertEquals(0, result.exitCode, result.output);
        assertEquals(documents.size(), result.output.lines().filter(l -> l.startsWith("ok ")).count(), result.output);
        StrictManifests.parse(Chart.template(all)); // and the fabric8 model, strictly
    }
}
