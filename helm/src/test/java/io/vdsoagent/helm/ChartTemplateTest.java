package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChartTemplateTest {

    @Test
    void defaultsRenderPodMonitorRuleAndDashboardButNoWorkload() throws IOException {
        List<HasMetadata> objects = StrictManifests.parse(Chart.template(Map.of()));
        assertEquals(List.of("ConfigMap", "PodMonitor", "PrometheusRule"),
                objects.stream().map(HasMetadata::getKind).sorted().toList());
        for (HasMetadata object : objects) {
            Map<String, String> labels = object.getMetadata().getLabels();
            assertEquals("vdso-agent", labels.get("app.kubernetes.io/name"), object.getKind());
            assertEquals(Chart.RELEASE, labels.get("app.kubernetes.io/instance"), object.getKind());
            assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"), object.getKind());
            assertTrue(labels.containsKey("app.kubernetes.io/version"), object.getKind());
            assertEquals(Chart.NAMESPACE, object.getMetadata().getNamespace(), object.getKind());
        }
    }

    @Test
    void podMonitorScrapesLabelledPodsFleetWideAndAddsTheDashboardLabels() throws IOException {
        PodMonitor monitor = StrictManifests.single(StrictManifests.parse(Chart.template(Map.of())), PodMonitor.class);
        assertEquals("clocks-vdso-agent", monitor.getMetadata().getName());
        assertEquals(Boolean.TRUE, monitor.getSpec().getNamespaceSelector().getAny());
        assertEquals(Map.of("vdso-agent.io/scrape", "true"), monitor.getSpec().getSelector().getMatchLabels());
        PodMetricsEndpoint endpoint = monitor.getSpec().getPodMetricsEndpoints().get(0);
        assertEquals("vdso-metrics", endpoint.getPort());
        assertEquals("/metrics", endpoint.getPath());
        assertEquals(Map.of(
                        "namespace", List.of("__meta_kubernetes_namespace"),
                        "pod", List.of("__meta_kubernetes_pod_name"),
                        "node", List.of("__meta_kubernetes_pod_node_name")),
                relabelSources(endpoint.getRelabelings()));
    }

    @Test
    void prometheusRuleCarriesTheAlertsFileWithTheJobOfThePodMonitor() throws IOException {
        PrometheusRule rule = StrictManifests.single(StrictManifests.parse(Chart.template(Map.of())), PrometheusRule.class);
        Map<String, JsonNode> fromFile = alertsFile();
        Map<String, Rule> rendered = alerts(rule);
        assertEquals(fromFile.keySet(), rendered.keySet());
        for (Map.Entry<String, JsonNode> expected : fromFile.entrySet()) {
            Rule actual = rendered.get(expected.getKey());
            JsonNode file = expected.getValue();
            if (!expected.getKey().equals("VdsoAgentDown")) {
                assertEquals(file.path("expr").asText(), actual.getExpr().getStrVal(), expected.getKey());
            }
            assertEquals(file.path("for").asText(null), actual.getFor(), expected.getKey());
            assertEquals(file.path("annotations").path("runbook_url").asText(),
                    actual.getAnnotations().get("runbook_url"), "the default runbookBaseUrl is the file's: " + expected.getKey());
            assertEquals(file.path("annotations").path("description").asText(),
                    actual.getAnnotations().get("description"), expected.getKey());
            // values.yaml's default severity is the file's: warning, critical for VdsoClockWrong and VdsoJvmClockWrong.
            assertEquals(file.path("labels").path("severity").asText(), actual.getLabels().get("severity"), expected.getKey());
        }
        assertEquals("critical", rendered.get("VdsoClockWrong").getLabels().get("severity"), "wrong time pages by default");
        assertEquals("critical", rendered.get("VdsoJvmClockWrong").getLabels().get("severity"), "wrong time pages by default");
        // The Prometheus Operator labels PodMonitor targets job="<namespace>/<PodMonitor name>".
        assertEquals("up{job=~\"monitoring/clocks-vdso-agent\"} == 0", rendered.get("VdsoAgentDown").getExpr().getStrVal());
    }

    @Test
    void theWrongClockAlertsSeverityIsConfigurable() throws IOException {
        PrometheusRule rule = StrictManifests.single(StrictManifests.parse(
                Chart.template(Map.of("prometheusRule.alerts.VdsoClockWrong.severity", "warning"))), PrometheusRule.class);
        assertEquals("warning", alerts(rule).get("VdsoClockWrong").getLabels().get("severity"));
    }

    @Test
    void withoutThePodMonitorAgentDownKeepsTheFilesJobRegex() throws IOException {
        PrometheusRule rule = StrictManifests.single(
                StrictManifests.parse(Chart.template(Map.of("podMonitor.enabled", false))), PrometheusRule.class);
        assertEquals(alertsFile().get("VdsoAgentDown").path("expr").asText(),
                alerts(rule).get("VdsoAgentDown").getExpr().getStrVal());
    }

    @Test
    void dashboardConfigMapCarriesTheDashboardFileForTheGrafanaSidecar() throws IOException {
        ConfigMap map = StrictManifests.single(StrictManifests.parse(Chart.template(Map.of())), ConfigMap.class);
        assertEquals("1", map.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals(Files.readString(Chart.file("files/dashboard.json")).strip(), map.getData().get("vdso-agent.json").strip());
    }

    @Test
    void everyFeatureCanBeSwitchedOff() throws IOException {
        String rendered = Chart.template("nothing-values.yaml", Map.of());
        assertEquals(List.of(), StrictManifests.parse(rendered));
        for (String feature : List.of("podMonitor", "prometheusRule", "dashboard")) {
            List<String> kinds = StrictManifests.parse(Chart.template(Map.of(feature + ".enabled", false)))
                    .stream().map(HasMetadata::getKind).toList();
            assertEquals(2, kinds.size(), feature + " off leaves the other two: " + kinds);
        }
    }

    @Test
    void nonDefaultValuesReachEveryObject() throws IOException {
        List<HasMetadata> objects = StrictManifests.parse(Chart.template("all-features-values.yaml", Map.of()));
        assertEquals(List.of("ConfigMap", "DaemonSet", "Deployment", "PodMonitor", "PrometheusRule"),
                objects.stream().map(HasMetadata::getKind).sorted().toList());
        for (HasMetadata object : objects) {
            assertEquals("platform", object.getMetadata().getLabels().get("team"), "commonLabels on " + object.getKind());
        }

        PodMonitor monitor = StrictManifests.single(objects, PodMonitor.class);
        assertEquals("clockwatch", monitor.getMetadata().getName());
        assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
        assertNull(monitor.getSpec().getNamespaceSelector().getAny(), "matchNames replaces any: true");
        assertEquals(List.of("shop", "billing"), monitor.getSpec().getNamespaceSelector().getMatchNames());
        assertEquals(Map.of("example.com/clock-monitoring", "on"), monitor.getSpec().getSelector().getMatchLabels());
        PodMetricsEndpoint endpoint = monitor.getSpec().getPodMetricsEndpoints().get(0);
        assertEquals("clock-metrics", endpoint.getPort());
        assertEquals("15s", endpoint.getInterval());
        assertEquals("https", endpoint.getScheme());
        assertEquals("vdso-agent", endpoint.getTlsConfig().getServerName());
        assertEquals("vdso-agent-ca", endpoint.getTlsConfig().getCa().getSecret().getName());
        assertEquals("vdso-agent-auth", endpoint.getBasicAuth().getUsername().getName());
        assertEquals("password", endpoint.getBasicAuth().getPassword().getKey());
        assertEquals(4, endpoint.getRelabelings().size(), "the chart's three plus the user's");
        assertEquals("drop", endpoint.getMetricRelabelings().get(0).getAction());

        PrometheusRule rule = StrictManifests.single(objects, PrometheusRule.class);
        Map<String, Rule> alerts = alerts(rule);
        assertFalse(alerts.containsKey("VdsoAslrDisabled"), "disabledAlerts");
        assertEquals(alertsFile().size() - 1, alerts.size());
        alerts.values().forEach(a -> assertEquals("platform", a.getLabels().get("team"), "ruleLabels on " + a.getAlert()));
        alerts.values().forEach(a -> assertEquals("https://wiki.example.com/runbooks/vdso-agent#runbook-" + a.getAlert().toLowerCase(),
                a.getAnnotations().get("runbook_url"), "runbookBaseUrl on " + a.getAlert()));
        Rule fallback = alerts.get("VdsoClockSyscallFallback");
        assertEquals("critical", fallback.getLabels().get("severity"), "severity raised per alert");
        assertEquals("2m", fallback.getFor(), "for per alert");
        assertEquals("true", fallback.getLabels().get("pager"), "labels per alert");
        assertEquals("info", alerts.get("VdsoAgentDegraded").getLabels().get("severity"));
        assertEquals("15m", alerts.get("VdsoAgentDegraded").getFor(), "an unset for keeps the file's");
        assertEquals("warning", alerts.get("VdsoAgentDown").getLabels().get("severity"));
        assertEquals("up{job=~\"shop/.*\"} == 0", alerts.get("VdsoAgentDown").getExpr().getStrVal());

        ConfigMap dashboard = StrictManifests.single(objects, ConfigMap.class);
        assertEquals("grafana", dashboard.getMetadata().getNamespace());
        assertEquals("yes", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals("Infrastructure", dashboard.getMetadata().getAnnotations().get("grafana_folder"));
    }

    /** The demo Deployment is built from the named templates a user puts into their own pod spec. */
    @Test
    void demoWorkloadGetsTheAgentThroughTheNamedTemplates() throws IOException {
        List<HasMetadata> objects = StrictManifests.parse(Chart.template("all-features-values.yaml", Map.of()));
        Deployment demo = StrictManifests.single(objects, Deployment.class);
        PodMonitor monitor = StrictManifests.single(objects, PodMonitor.class);
        PodSpec pod = demo.getSpec().getTemplate().getSpec();

        Container init = pod.getInitContainers().get(0);
        assertEquals("registry.example.com/tools/vdso-agent-jar:9.9.9", init.getImage());
        assertEquals(List.of("/bin/busybox", "cp", "/vdso-agent.jar", "/opt/vdso/vdso-agent.jar"), init.getCommand());
        assertEquals("/opt/vdso", init.getVolumeMounts().get(0).getMountPath());

        Container app = pod.getContainers().get(0);
        assertEquals("-javaagent:/opt/vdso/vdso-agent.jar=port=9500,host-detail=summary,expose-address=true,interval=30s,"
                        + "basic-auth-password-file=/vdso-agent-auth/password,tls-cert-file=/vdso-agent-tls/tls.crt,"
                        + "tls-key-file=/vdso-agent-tls/tls.key -Djffi.extract.dir=/vdso-agent-tmp -Xss512k",
                app.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow().getValue());
        // the password and the TLS key are mounted files; only the user name is an env var (secretKeyRef)
        assertEquals(List.of("VDSO_AGENT_BASIC_AUTH_USER"),
                app.getEnv().stream().filter(e -> e.getValueFrom() != null).map(e -> e.getName()).toList());
        assertEquals("vdso-agent-auth", app.getEnv().stream().filter(e -> e.getValueFrom() != null).findFirst()
                .orElseThrow().getValueFrom().getSecretKeyRef().getName());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("vdso-agent-tls")), "the PEM files from their Secret");
        assertEquals(9500, app.getPorts().get(0).getContainerPort());
        assertEquals(monitor.getSpec().getPodMetricsEndpoints().get(0).getPort(), app.getPorts().get(0).getName(),
                "the PodMonitor scrapes the port by its name");
        assertTrue(app.getVolumeMounts().get(0).getReadOnly());

        String shared = init.getVolumeMounts().get(0).getName();
        assertEquals(shared, app.getVolumeMounts().get(0).getName(), "init and app containers share the jar volume");
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals(shared) && v.getEmptyDir() != null));

        Map<String, String> podLabels = demo.getSpec().getTemplate().getMetadata().getLabels();
        monitor.getSpec().getSelector().getMatchLabels().forEach((key, value) ->
                assertEquals(value, podLabels.get(key), "the PodMonitor selects the demo pods by " + key));
        demo.getSpec().getSelector().getMatchLabels().forEach((key, value) ->
                assertEquals(value, podLabels.get(key), "the Deployment selects its pods by " + key));
    }

    /**
     * Node mode: a DaemonSet running {@code serve} with the agent's jar, port name and pod labels (so the one
     * PodMonitor scrapes it); while it is on, the chart's own JVM pods leave the kernel's detail to it.
     */
    @Test
    void nodeModeIsADaemonSetTheSamePodMonitorScrapesAndItsJvmsGoSummary() throws IOException {
        List<HasMetadata> objects = StrictManifests.parse(Chart.template(Map.of("nodeMode.enabled", true, "demo.enabled", true)));
        DaemonSet node = StrictManifests.single(objects, DaemonSet.class);
        PodMonitor monitor = StrictManifests.single(objects, PodMonitor.class);
        PodSpec pod = node.getSpec().getTemplate().getSpec();
        Container serve = pod.getContainers().get(0);
        assertEquals("eclipse-temurin:25-jre", serve.getImage());
        assertEquals(List.of("java"), serve.getCommand());
        List<String> args = serve.getArgs();
        assertEquals(List.of("-jar", "/vdso-agent/vdso-agent.jar", "serve", "port=9419"), args.subList(args.size() - 4, args.size()));
        assertEquals("ghcr.io/vdso-agent/vdso-agent-jar:0.1.0", pod.getInitContainers().get(0).getImage(), "the jar from the agent image");
        assertEquals(monitor.getSpec().getPodMetricsEndpoints().get(0).getPort(), serve.getPorts().get(0).getName());
        Map<String, String> podLabels = node.getSpec().getTemplate().getMetadata().getLabels();
        monitor.getSpec().getSelector().getMatchLabels().forEach((key, value) ->
                assertEquals(value, podLabels.get(key), "the PodMonitor selects the node pods by " + key));
        assertEquals("Exists", pod.getTolerations().get(0).getOperator(), "every node, tainted ones too");

        // with every feature: the agent's settings as the library renders them (auth and TLS included, one
        // comma-separated argument), host-detail left out, nodeMode.args after; the secrets as for the JVMs
        List<HasMetadata> all = StrictManifests.parse(Chart.template("all-features-values.yaml", Map.of()));
        Container allServe = StrictManifests.single(all, DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        Container allApp = StrictManifests.single(all, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        String javaagent = allApp.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst()
                .orElseThrow().getValue().replaceAll("^-javaagent:[^=]*=([^ ]*) .*$", "$1");
        List<String> allArgs = allServe.getArgs();
        assertEquals(List.of("serve", javaagent.replace(",host-detail=summary", ""), "interval=2m"),
                allArgs.subList(allArgs.size() - 3, allArgs.size()));
        assertEquals(allApp.getEnv().stream().filter(e -> !e.getName().equals("JAVA_TOOL_OPTIONS")).toList(), allServe.getEnv());
        assertTrue(serve.getEnv() == null || serve.getEnv().stream().noneMatch(e -> e.getName().equals("JAVA_TOOL_OPTIONS")),
                "no JAVA_TOOL_OPTIONS: serve is not an agent inside a JVM");

        Deployment demo = StrictManifests.single(objects, Deployment.class);
        assertEquals("-javaagent:/vdso-agent/vdso-agent.jar=port=9419,host-detail=summary -Djffi.extract.dir=/vdso-agent-tmp",
                demo.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue());
        Deployment full = StrictManifests.single(StrictManifests.parse(Chart.template(Map.of("nodeMode.enabled", true,
                "demo.enabled", true, "vdso-agent-inject.agent.hostDetail", "full"))), Deployment.class);
        assertEquals("-javaagent:/vdso-agent/vdso-agent.jar=port=9419,host-detail=full -Djffi.extract.dir=/vdso-agent-tmp",
                full.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue(), "an explicit value wins");
    }

    @Test
    void defaultInjectionUsesPort9419AndTheDefaultImage() throws IOException {
        Deployment demo = StrictManifests.single(
                StrictManifests.parse(Chart.template(Map.of("demo.enabled", true))), Deployment.class);
        PodSpec pod = demo.getSpec().getTemplate().getSpec();
        assertEquals("ghcr.io/vdso-agent/vdso-agent-jar:0.1.0", pod.getInitContainers().get(0).getImage());
        assertEquals("-javaagent:/vdso-agent/vdso-agent.jar=port=9419 -Djffi.extract.dir=/vdso-agent-tmp",
                pod.getContainers().get(0).getEnv().get(0).getValue());
        // the scratch space is a writable emptyDir next to the read-only jar
        Container app = pod.getContainers().get(0);
        assertTrue(app.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/vdso-agent-tmp")
                && !Boolean.TRUE.equals(m.getReadOnly())));
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals("vdso-agent-tmp") && v.getEmptyDir() != null));
        assertEquals("true", demo.getSpec().getTemplate().getMetadata().getLabels().get("vdso-agent.io/scrape"));
    }

    @Test
    void strictParsingRejectsUnknownFields() {
        String typo = """
                apiVersion: monitoring.coreos.com/v1
                kind: PodMonitor
                metadata:
                  name: x
                spec:
                  podMetricEndpoints:
                    - port: vdso-metrics
                """;
        assertThrows(UnrecognizedPropertyException.class, () -> StrictManifests.parse(typo));
        String nested = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: x
                  lables: {a: b}
                """;
        assertThrows(UnrecognizedPropertyException.class, () -> StrictManifests.parse(nested));
    }

    private static Map<String, List<String>> relabelSources(List<RelabelConfig> relabelings) {
        return relabelings.stream().collect(Collectors.toMap(RelabelConfig::getTargetLabel, RelabelConfig::getSourceLabels));
    }

    private static Map<String, Rule> alerts(PrometheusRule rule) {
        Map<String, Rule> alerts = new LinkedHashMap<>();
        rule.getSpec().getGroups().forEach(g -> g.getRules().stream().filter(r -> r.getAlert() != null)
                .forEach(r -> alerts.put(r.getAlert(), r)));
        return alerts;
    }

    static Map<String, JsonNode> alertsFile() throws IOException {
        JsonNode file = StrictManifests.yaml().readTree(Files.readString(Chart.file("files/alerts.yaml")));
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        List<JsonNode> rules = new ArrayList<>();
        file.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        rules.stream().filter(r -> r.has("alert")).forEach(r -> alerts.put(r.path("alert").asText(), r));
        return alerts;
    }
}
