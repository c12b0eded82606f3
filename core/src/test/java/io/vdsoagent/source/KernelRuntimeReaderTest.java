package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.base.Probed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime from what the kernel says about itself. The gVisor fixture's {@code /proc/cmdline} is the one
 * Debian's runsc (20221219) writes; the real sandbox is checked by {@code GvisorSandboxE2E}.
 */
class KernelRuntimeReaderTest {

    @Test
    void aBootloaderCmdlineIsLinux() {
        assertEquals(KernelRuntime.LINUX, new KernelRuntimeReader(Fixtures.host("tsc")).read().get());
    }

    @Test
    void gvisorsSynthesisedCmdlineIsGvisor() {
        assertEquals(KernelRuntime.GVISOR, new KernelRuntimeReader(Fixtures.host("gvisor")).read().get());
    }

    @Test
    void gvisorsMarkerDirectoryIsGvisorWhateverTheCmdline(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc/gvisor"));
        Files.write(root.resolve("proc/cmdline"), "BOOT_IMAGE=/boot/vmlinuz-6.1 ro\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(KernelRuntime.GVISOR, new KernelRuntimeReader(SystemRoot.at(root)).read().get());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "BOOT_IMAGE=/vmlinuz-4.4.0-gvisor quiet root=/dev/sda1",
        "BOOT_IMAGE=/boot/vmlinuz-6.1-gvisor quiet",
        "root=/dev/sda1 BOOT_IMAGE=/vmlinuz-4.4.0-gvisor quiet",
        "BOOT_IMAGE=/vmlinuz-4.4.0-gvisor  quiet",
    })
    void onlyGvisorsExactLineCounts(String cmdline) {
        assertFalse(KernelRuntimeReader.isGvisorCmdline(cmdline), cmdline);
    }

    @Test
    void noProcfsIsUnknownWithTheReason() {
        Probed<KernelRuntime> p = new KernelRuntimeReader(Fixtures.host("empty")).read();
        assertFalse(p.known());
        assertTrue(p.reason().contains("cannot read /proc/cmdline"), p.reason());
    }
}
