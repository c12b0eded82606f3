package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class VsyscallModeTest {
    private static Mapping page(String perms) {
        return new Mapping(0xffffffffff600000L, 0xffffffffff601000L, perms, "[vsyscall]");
    }

    @Test
    void permsToMode() {
        assertEquals(VsyscallMode.NONE, VsyscallMode.fromMapping(null).get());
        assertEquals(VsyscallMode.XONLY, VsyscallMode.fromMapping(page("--xp")).get());
        assertEquals(VsyscallMode.EMULATE, VsyscallMode.fromMapping(page("r-xp")).get(),
                "native looks the same and is reported as emulate");
        assertFalse(VsyscallMode.fromMapping(page("rw-p")).known());
    }

    @Test
    void fixtureHosts() {
        assertEquals(VsyscallMode.XONLY, modeOf("tsc"));
        assertEquals(VsyscallMode.EMULATE, modeOf("acpi_pm"));
        assertEquals(VsyscallMode.NONE, modeOf("xen"));
        assertEquals(VsyscallMode.NONE, modeOf("arm64"));
    }

    private static VsyscallMode modeOf(String host) {
        return VsyscallMode.fromMapping(new MapsReader(Fixtures.host(host)).read().get().vsyscallOrNull()).get();
    }
}
