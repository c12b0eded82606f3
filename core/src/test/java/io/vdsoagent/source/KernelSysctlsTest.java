package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelSysctlsTest {
    @ParameterizedTest
    @CsvSource({
        "tsc,     6.18.44,                        2",
        "acpi_pm, 5.10.0-30-amd64,                1",
        "xen,     4.14.355-275.572.amzn2.x86_64,  2",
        "arm64,   6.8.0-1019-aws,                 0",
    })
    void readsFixtureHosts(String host, String release, int aslr) {
        KernelSysctls sysctls = new KernelSysctls(Fixtures.host(host));
        assertEquals(release, sysctls.osRelease().get());
        assertEquals(aslr, (int) sysctls.randomizeVaSpace().get());
    }

    @Test
    void archFileIsOptional() {
        assertEquals("aarch64", new KernelSysctls(Fixtures.host("arm64")).arch().get());
        assertFalse(new KernelSysctls(Fixtures.host("xen")).arch().known(), "pre-6.x kernels have no kernel/arch");
    }

    @Test
    void bootIdIsTheKernelsUuidOrUnknownWithTheReason() {
        assertEquals("3f1c2a4e-8b7d-4c21-9e55-0a6b7c8d9e10", new KernelSysctls(Fixtures.host("tsc")).bootId().get());
        KernelSysctls junk = new KernelSysctls(Fixtures.host("junk"));
        assertTrue(junk.bootId().reason().contains("[3F1C2A4E-8B7D"), junk.bootId().reason());
        KernelSysctls gvisor = new KernelSysctls(Fixtures.host("gvisor"));
        assertTrue(gvisor.bootId().reason().startsWith("cannot read /proc/sys/kernel/random/boot_id"),
                gvisor.bootId().reason());
    }

    @Test
    void junkAndEmptyValuesAreUnknownWithTheValueInBrackets() {
        KernelSysctls junk = new KernelSysctls(Fixtures.host("junk"));
        assertTrue(junk.randomizeVaSpace().reason().contains("[7]"), junk.randomizeVaSpace().reason());
        assertTrue(junk.osRelease().reason().contains("[6.1 with spaces]"), junk.osRelease().reason());
        assertFalse(junk.arch().known());
        KernelSysctls empty = new KernelSysctls(Fixtures.host("empty"));
        assertFalse(empty.osRelease().known());
        assertFalse(empty.randomizeVaSpace().known());
    }

    /** The boot id check against the regex it replaces: the live id, edits of it at every position, edges. */
    @Test
    void theBootIdCheckIsTheUuidRegex() {
        java.util.regex.Pattern uuid = java.util.regex.Pattern.compile(
                "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        String id = "3f1c2a4e-8b7d-4c21-9e55-0a6b7c8d9e10";
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.Arrays.asList(id, "", id + "0",
                id.substring(1), id.replace('-', '0'), id.toUpperCase(java.util.Locale.ROOT)));
        for (int i = 0; i < id.length(); i++) {
            for (char c : "0af9g-A/:`{ ".toCharArray()) {
                texts.add(id.substring(0, i) + c + id.substring(i + 1));
            }
        }
        for (String t : texts) {
            assertEquals(uuid.matcher(t).matches(), KernelSysctls.isUuid(t), t);
        }
    }
}
