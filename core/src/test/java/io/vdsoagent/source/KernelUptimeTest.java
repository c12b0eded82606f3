package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.base.Probed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelUptimeTest {
    @TempDir
    Path tmp;

    private Probed<Double> uptime(String text) throws Exception {
        Files.write(Files.createDirectories(tmp.resolve("proc")).resolve("uptime"), text.getBytes(StandardCharsets.US_ASCII));
        return new KernelUptime(SystemRoot.at(tmp)).read();
    }

    @Test
    void theFirstFieldInSeconds() throws Exception {
        assertEquals(0.04, uptime("0.04 0.00\n").get(), 1e-9, "gVisor, 40 ms into a sandbox");
        assertEquals(1110.02, uptime("1110.02 509.67\n").get(), 1e-9);
        assertTrue(uptime("-1 0").reason().contains("[-1 0]"));
        assertFalse(new KernelUptime(Fixtures.host("empty")).read().known());
    }

    /** Ground truth: the live file read here, and the JVM's own uptime can never exceed the kernel's. */
    @Test
    void liveUptimeIsAtLeastTheJvmsAge() throws Exception {
        double kernel = new KernelUptime(SystemRoot.live()).read().get();
        String raw = new String(Files.readAllBytes(Paths.get("/proc/uptime")), StandardCharsets.US_ASCII);
        assertTrue(Math.abs(kernel - Double.parseDouble(raw.split(" ")[0])) < 5, kernel + " vs " + raw);
        assertTrue(kernel * 1000 + 1000 >= java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
