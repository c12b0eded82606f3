package io.vdsoagent.examples.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/** The real application on a random port: its own /actuator/prometheus carries the vdso_* metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Spring Boot tests leave metrics export (and so /actuator/prometheus) off unless asked for.
@AutoConfigureObservability
class ClockHealthApplicationTest {
    private static final Path CURRENT_CLOCKSOURCE =
            Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource");

    @Value("${local.server.port}")
    int port;

    @Test
    void prometheusEndpointCarriesTheVdsoMetrics() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertEquals(200, response.statusCode());
        String scrape = response.body();
        assertTrue(scrape.contains("\nvdso_info{"), "vdso_info missing:\n" + scrape);
        assertTrue(scrape.contains("\nvdso_clock_fallback{"), "vdso_clock_fallback missing:\n" + scrape);
        assertTrue(scrape.contains("\nvdso_clocksource_current_info{"), "vdso_clocksource_current_info missing:\n" + scrape);
        assertTrue(scrape.contains("\nvdso_clocksource_changes_total "), scrape);
    }

    /** Ground truth, not our own output: the kernel's sysfs says which clocksource is current. */
    @Test
    void currentClocksourceMatchesSysfs() throws Exception {
        String sysfs = Files.readString(CURRENT_CLOCKSOURCE).trim();
        String scrape = get("/actuator/prometheus").body();
        Matcher current = Pattern.compile("\nvdso_clocksource_current_info\\{[^}]*clocksource=\"([^\"]+)\"").matcher(scrape);
        assertTrue(current.find(), scrape);
        assertEquals(sysfs, current.group(1));
    }

    /** CLOCK_PROCESS_CPUTIME_ID makes a syscall on every Linux host: the positive control. */
    @Test
    void processCpuTimeClockIsReportedAsASyscall() throws Exception {
        String scrape = get("/actuator/prometheus").body();
        Matcher cputime = Pattern.compile("\nvdso_clock_fallback\\{[^}]*clock=\"process_cputime\"[^}]*} ([0-9.]+)").matcher(scrape);
        assertTrue(cputime.find(), scrape);
        assertEquals(1.0, Double.parseDouble(cputime.group(1)));
    }

    @Test
    void vdsoEndpointServesTheJsonReport() throws Exception {
        HttpResponse<String> response = get("/actuator/vdso");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        assertTrue(response.body().startsWith("{\"headline\":"), response.body());
    }

    @Test
    void healthShowsTheVdsoComponent() throws Exception {
        HttpResponse<String> response = get("/actuator/health");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"vdso\":{\"status\":"), response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
