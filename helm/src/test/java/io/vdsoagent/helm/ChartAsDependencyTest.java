package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user's chart (src/test/charts/shop-api) depends on the vdso-agent-inject library and includes its
 * named templates in its own Deployment: the values come from .Values.vdso-agent-inject, never from the
 * user's keys, and the library renders no object of its own.
 */
class ChartAsDependencyTest {

    @Test
    void applicationChartGetsOnlyItsDeploymentWithTheAgentInjected() throws IOException {
        List<HasMetadata> objects = StrictManifests.parse(Chart.renderApp("shop", Map.of()));
        assertEquals(List.of("Deployment"), objects.stream().map(HasMetadata::getKind).toList(),
                "no PodMonitor, rules or dashboard per application");

        PodSpec pod = StrictManifests.single(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container init = pod.getInitContainers().get(0);
        assertEquals("ghcr.io/vdso-agent/vdso-agent-jar:0.1.0", init.getImage(), "the library's default image");
        Container api = pod.getContainers().get(0);
        assertEquals("vdso-metrics", api.getPorts().get(1).getName());
        assertEquals(init.getVolumeMounts().get(0).getName(), pod.getVolumes().get(0).getName());
    }

    /** The container already sets JAVA_TOOL_OPTIONS: one entry, the user's options first, then the agent's. */
    @Test
    void existingJavaToolOptionsAreMergedNotReplaced() throws IOException {
        Container api = StrictManifests.single(StrictManifests.parse(Chart.renderApp("shop", Map.of())), Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        List<EnvVar> options = api.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).toList();
        assertEquals(1, options.size(), "a second JAVA_TOOL_OPTIONS entry would replace the first: " + api.getEnv());
        assertEquals("-Xmx512m -XX:+ExitOnOutOfMemoryError -javaagent:/vdso-agent/vdso-agent.jar=port=9419,interval=30s"
                + " -Djffi.extract.dir=/vdso-agent-tmp", options.get(0).getValue(), "agent.args from the app's vdso-agent-inject: section");
        assertEquals("UTC", api.getEnv().stream().filter(e -> e.getName().equals("TZ")).findFirst().orElseThrow().getValue(),
                "the container's other variables stay");
    }

    /** A password in agent.args would be printed by every JVM ("Picked up JAVA_TOOL_OPTIONS: ..."). */
    @Test
    void secretsInAgentArgsAreRefused() {
        Exception refused = assertThrows(Exception.class,
                () -> Chart.renderApp("shop", Map.of("vdso-agent-inject.agent.args.basic-auth-password", "hunter2")));
        assertTrue(refused.getMessage().contains("use agent.basicAuth"), refused.getMessage());
    }

    @Test
    void basicAuthPasswordIsAMountedFileNeverEnv() throws IOException {
        Container api = StrictManifests.single(StrictManifests.parse(Chart.renderApp("shop", Map.of(
                        "vdso-agent-inject.agent.basicAuth.enabled", true,
                        "vdso-agent-inject.agent.basicAuth.existingSecret", "shop-metrics-auth"))), Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        EnvVar user = api.getEnv().stream().filter(e -> e.getName().equals("VDSO_AGENT_BASIC_AUTH_USER")).findFirst().orElseThrow();
        assertEquals("shop-metrics-auth", user.getValueFrom().getSecretKeyRef().getName());
        assertFalse(api.getEnv().stream().anyMatch(e -> e.getName().contains("PASSWORD")), api.getEnv().toString());
        assertFalse(api.getEnv().stream().anyMatch(e -> e.getValueFrom() != null
                && "password".equals(e.getValueFrom().getSecretKeyRef().getKey())), api.getEnv().toString());
        assertTrue(api.getEnv().stream().anyMatch(e -> "JAVA_TOOL_OPTIONS".equals(e.getName())
                && e.getValue().contains("basic-auth-password-file=/vdso-agent-auth/password")), api.getEnv().toString());
    }
}
