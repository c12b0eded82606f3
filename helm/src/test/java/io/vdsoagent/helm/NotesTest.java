package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as printed by a client-side dry-run install: runnable commands for this release. */
class NotesTest {

    @Test
    void defaultNotesNameTheObjectsAndTheInjectionTemplates() {
        String notes = notes(null);
        assertTrue(notes.contains("kubectl -n monitoring get podmonitor clocks-vdso-agent -o yaml"), notes);
        assertTrue(notes.contains("kubectl get pods --all-namespaces -l vdso-agent.io/scrape=true"), notes);
        assertTrue(notes.contains("kubectl -n monitoring get prometheusrule clocks-vdso-agent"), notes);
        assertTrue(notes.contains("set it or nothing gets scraped"), "warns about podMonitor.additionalLabels: " + notes);
        assertTrue(notes.contains("{{- include \"vdso-agent.initContainer\" . | nindent 8 }}"), notes);
        assertFalse(notes.contains("port-forward"), "no demo by default: " + notes);
        assertFalse(notes.contains("daemonset/"), "no node mode by default: " + notes);
        assertFalse(notes.contains("<no value>"), notes);
    }

    @Test
    void demoNotesPortForwardToTheAgent() {
        String notes = notes("all-features-values.yaml");
        assertTrue(notes.contains("kubectl -n monitoring port-forward deployment/clockwatch-demo 9500:9500"), notes);
        assertTrue(notes.contains("curl -s http://127.0.0.1:9500/metrics"), notes);
        assertTrue(notes.contains("kubectl -n grafana get configmap -l grafana_dashboard"), notes);
        assertFalse(notes.contains("nothing gets scraped"), notes);
        assertTrue(notes.contains("kubectl -n monitoring rollout status daemonset/clockwatch-node"), "node mode: " + notes);
        assertFalse(notes.contains("<no value>"), notes);
    }

    private static String notes(String ciValues) {
        InstallCommand install;
        try {
            install = new Helm(Chart.staged().resolve("vdso-agent")).install();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        install = install
                .withName(Chart.RELEASE)
                .withNamespace(Chart.NAMESPACE)
                .clientOnly()
                .dryRun();
        if (ciValues != null) {
            install = install.withValuesFile(Chart.dir().resolve("ci").resolve(ciValues));
        }
        return install.call().getOutput();
    }
}
