package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert fires for the right kernel: a real Prometheus scrapes the agent in a JVM on the host (its
 * clocksource stays in the vDSO) and the agent in an hpet guest (QEMU user networking, forwarded
 * port), evaluates the chart's alert rules, and exactly one VdsoClockSyscallFallback fires: for the
 * guest's kernel (not the host's boot id, read from the host's own /proc), naming the guest's JVM. The rules' {@code for:} durations are set to 0s in a test copy so the
 * test waits seconds, not minutes; the expressions are the shipped ones.
 */
class FallbackAlertE2E {

    static final String ALERT = "VdsoClockSyscallFallback";
    static final Path RULES = Lab.MODULE_DIR.resolve("../../helm/vdso-agent/files/alerts.yaml").normalize();

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void tools() {
        Lab.requireTools();
        List<String> missing = new ArrayList<>();
        Lab.requireCommand("prometheus", "prometheus", missing);
        assertTrue(missing.isEmpty(), "the alert test needs the Debian package prometheus: apt-get install -y prometheus");
        assertTrue(Files.isRegularFile(RULES), "no alert rules at " + RULES);
    }

    @Test
    void syscallFallbackAlertFiresForTheHpetGuestOnly() throws Exception {
        Path dir = Lab.MODULE_DIR.resolve("target/lab-alert");
        deleteTree(dir);
        Files.createDirectories(dir);
        Path jar = Lab.agentJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Lab.MODULE_DIR.resolve("target/test-classes").toString();
        int hostPort = freePort();
        int guestPort = freePort();
        int promPort = freePort();
        String hostTarget = "127.0.0.1:" + hostPort;
        String guestTarget = "127.0.0.1:" + guestPort;

        long t0 = System.nanoTime();
        start(dir, "host-jvm", List.of(java, "-javaagent:" + jar + "=host=127.0.0.1,port=" + hostPort,
                "-cp", classes, Idle.class.getName(), "600"));
        start(dir, "guest", List.of(Lab.LAB_SH.toString(), "--clocksource", "hpet", "--timeout", "600",
                "--forward", guestPort + ":9419", "--", java, "-javaagent:" + jar + "=port=9419",
                "-cp", classes, Idle.class.getName(), "540"));
        String hostMetrics = awaitMetrics(hostTarget, Duration.ofSeconds(60));
        String guestMetrics = awaitMetrics(guestTarget, Duration.ofSeconds(300));
        long agentsUpMillis = (System.nanoTime() - t0) / 1_000_000;

        Files.writeString(dir.resolve("alerts.yaml"),
                Files.readString(RULES).replaceAll("(?m)^(\\s+)for:\\s*\\S+\\s*$", "$1for: 0s"));
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                "rule_files: [alerts.yaml]",
                "scrape_configs:",
                "  - job_name: vdso-agent",
                "    static_configs:",
                "      - targets: ['" + hostTarget + "']",
                "        labels: {jvm: host}",
                "      - targets: ['" + guestTarget + "']",
                "        labels: {jvm: hpet-guest}",
                ""));
        start(dir, "prometheus", List.of("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort));
        String prom = "http://127.0.0.1:" + promPort;

        long t1 = System.nanoTime();
        List<Map<String, Object>> firing = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            firing = firingAlerts(prom);
            if (firing.stream().anyMatch(a -> annotation(a, "description").contains(guestTarget))) {
                break;
            }
            Thread.sleep(1000);
        }
        // A few more evaluations, so a wrong alert for the host would have had its chance to fire too.
        Thread.sleep(3000);
        firing = firingAlerts(prom);
        long alertMillis = (System.nanoTime() - t1) / 1_000_000;

        assertEquals(1.0, instant(prom, "up{instance=\"" + hostTarget + "\"}"), "the host JVM's agent is scraped");
        assertEquals(1.0, instant(prom, "up{instance=\"" + guestTarget + "\"}"), "the guest JVM's agent is scraped");
        assertEquals(0.0, instant(prom, "vdso_clock_fallback{instance=\"" + hostTarget + "\",clock=\"monotonic\"}"),
                "the host's monotonic clock stays in the vDSO (else this test proves nothing)\n" + hostMetrics);
        // Once per kernel: one alert, for the guest's kernel, whose description names the guest's JVM only.
        List<Map<String, Object>> fired = firing;
        assertFalse(fired.isEmpty(), () -> ALERT + " never fired for the hpet guest " + guestTarget
                + "\nguest /metrics:\n" + guestMetricsFallbacks(guestTarget));
        assertEquals(1, fired.size(), () -> "one alert per bad kernel: " + fired);
        Map<String, Object> alert = fired.get(0);
        String hostBootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        assertFalse(hostBootId.equals(label(alert, "boot_id")), () -> "alert for the host's kernel: " + alert);
        assertEquals(label(alert, "boot_id"), kernelOf(prom, guestTarget), () -> "alert for another kernel: " + alert);
        String description = annotation(alert, "description");
        assertTrue(description.contains(guestTarget) && !description.contains(hostTarget),
                () -> "the alert names the guest's JVM, not the host's: " + description);
        TreeSet<String> guestClocks = new TreeSet<>(List.of(
                description.replaceAll("(?s)^clock_gettime\\(([^)]*)\\).*$", "$1").split(",\\s*")));
        assertTrue(guestClocks.contains("monotonic"), () -> "monotonic must be among the firing clocks " + guestClocks);
        System.out.println("[lab] alert " + ALERT + " firing for the hpet guest only, clocks " + guestClocks
                + "; agents answering after " + agentsUpMillis + " ms, alert firing " + alertMillis
                + " ms after Prometheus start (rules copied with for: 0s)");
        Files.createDirectories(Lab.LOG_DIR); // absent when this suite runs alone
        Files.writeString(Lab.LOG_DIR.resolve("figures-alert.md"), "- alert " + ALERT + " firing for " + guestClocks
                + " of the hpet guest only; agents answering after " + agentsUpMillis + " ms; firing "
                + alertMillis + " ms after Prometheus start\n");
    }

    private String guestMetricsFallbacks(String target) {
        try {
            return get("http://" + target + "/metrics").lines().filter(l -> l.contains("fallback"))
                    .reduce("", (a, b) -> a + b + "\n");
        } catch (IOException | InterruptedException e) {
            return "(not reachable: " + e + ")";
        }
    }

    private List<Map<String, Object>> firingAlerts(String prom) throws InterruptedException {
        List<Map<String, Object>> firing = new ArrayList<>();
        try {
            Map<String, Object> answer = MiniJson.object(MiniJson.parse(get(prom + "/api/v1/alerts")));
            for (Object a : MiniJson.array(MiniJson.object(answer.get("data")).get("alerts"))) {
                Map<String, Object> alert = MiniJson.object(a);
                if ("firing".equals(alert.get("state")) && ALERT.equals(label(alert, "alertname"))) {
                    firing.add(alert);
                }
            }
        } catch (IOException e) {
            // Prometheus is still starting.
        }
        return firing;
    }

    /** The single value of an instant query, or NaN when it has no result. */
    private double instant(String prom, String query) throws IOException, InterruptedException {
        String body = get(prom + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        List<Object> result = MiniJson.array(MiniJson.object(MiniJson.object(MiniJson.parse(body)).get("data")).get("result"));
        if (result.isEmpty()) {
            return Double.NaN;
        }
        return Double.parseDouble(String.valueOf(MiniJson.array(MiniJson.object(result.get(0)).get("value")).get(1)));
    }

    /** The boot id the target's vdso_kernel_info reports (the join key the alert groups by). */
    private String kernelOf(String prom, String target) throws IOException, InterruptedException {
        String body = get(prom + "/api/v1/query?query=" + URLEncoder.encode(
                "vdso_kernel_info{instance=\"" + target + "\"}", StandardCharsets.UTF_8));
        List<Object> result = MiniJson.array(MiniJson.object(MiniJson.object(MiniJson.parse(body)).get("data")).get("result"));
        return result.isEmpty() ? null : String.valueOf(MiniJson.object(MiniJson.object(result.get(0)).get("metric")).get("boot_id"));
    }

    private static String annotation(Map<String, Object> alert, String name) {
        Object value = MiniJson.object(alert.get("annotations")).get(name);
        return value == null ? "" : value.toString();
    }

    private static String label(Map<String, Object> alert, String name) {
        Object value = MiniJson.object(alert.get("labels")).get(name);
        return value == null ? null : value.toString();
    }

    private String awaitMetrics(String target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            assertAllAlive();
            try {
                last = get("http://" + target + "/metrics");
                if (last.contains("vdso_clock_fallback")) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1000);
        }
        fail("no vdso_clock_fallback from " + target + " within " + timeout + "; last answer: " + last);
        return last;
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return response.body();
    }

    private void start(Path dir, String name, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().put("LAB_WORK_DIR", Lab.WORK_DIR.toString());
        Process process = builder.start();
        processes.add(process);
    }

    private void assertAllAlive() {
        for (Process process : processes) {
            if (!process.isAlive()) {
                fail(process.info().commandLine().orElse("a process") + " ended early (exit " + process.exitValue()
                        + "); see target/lab-alert/*.err");
            }
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        // SIGTERM: lab.sh's trap then stops QEMU and removes its run directory.
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
