package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.source.elf.TestImages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HostFactsReader over fixture trees: each field from its own file, each failure confined to its field. */
class HostFactsReaderFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void tscHostWithAnX86Image() throws IOException {
        Path root = copyHost("tsc");
        installVdso(root, 0x7ffd4e5fc000L, TestImages.x86_64(), 0x2000);
        HostFacts facts = new HostFactsReader(SystemRoot.at(root)).read();
        VdsoFacts vdso = facts.vdso().get();
        assertEquals(0x7ffd4e5fc000L, vdso.baseAddress());
        assertEquals(0x1000, vdso.imageBytes(), "the synthetic ELF spans less than a page");
        // The committed maps says 8 KiB (a real host's [vdso]): the cross-check tells, the image stays the ELF's.
        assertEquals(VdsoMapsCheck.Outcome.DISAGREES, vdso.mapsCheck().get().outcome());
        assertTrue(vdso.mapsCheck().get().detail().contains("spans 8192 bytes, the vDSO's ELF 4096"),
                vdso.mapsCheck().toString());
        assertEquals("linux-vdso.so.1", vdso.soname());
        assertEquals("x86_64", vdso.elfMachine());
        assertEquals(TestImages.BUILD_ID_HEX, vdso.buildId());
        assertEquals(Arrays.asList(new VdsoSymbol("LINUX_2.6", "LINUX_2.6"),
                new VdsoSymbol("__vdso_clock_gettime", "LINUX_2.6"), new VdsoSymbol("__vdso_time", "LINUX_2.6"),
                new VdsoSymbol("clock_gettime", "LINUX_2.6")), vdso.symbols(), "sorted");
        assertEquals("x86_64", facts.arch().get());
        assertEquals("6.18.44", facts.kernelRelease().get());
        assertEquals("tsc", facts.clocksource().get().current());
        assertEquals(VsyscallMode.XONLY, facts.vsyscall().get());
        assertEquals(2, (int) facts.aslr().get());
        KernelIdentity kernel = facts.kernel();
        assertEquals("3f1c2a4e-8b7d-4c21-9e55-0a6b7c8d9e10", kernel.bootIdLabel());
        assertEquals(KernelRuntime.LINUX, kernel.runtime().get());
        assertEquals("6.18.44", kernel.releaseLabel());
        assertEquals("x86_64", kernel.archLabel());
    }

    @Test
    void aGvisorRootHasNoBootIdButSaysWhyAndNamesItsRuntime() {
        KernelIdentity kernel = new HostFactsReader(Fixtures.host("gvisor")).read().kernel();
        assertEquals(KernelIdentity.UNKNOWN, kernel.bootIdLabel());
        assertTrue(kernel.bootId().reason().contains("/proc/sys/kernel/random/boot_id"), kernel.bootId().reason());
        assertEquals("gvisor", kernel.runtimeLabel());
        assertTrue(kernel.sandboxed());
    }

    @Test
    void aFixtureRootIsReadInFullEveryTime() throws IOException {
        Path root = copyHost("tsc");
        installVdso(root, 0x7ffd4e5fc000L, TestImages.x86_64(), 0x2000);
        HostFactsReader reader = new HostFactsReader(SystemRoot.at(root));
        assertEquals(0x7ffd4e5fc000L, reader.read().vdso().get().baseAddress());
        Files.delete(root.resolve("proc/self/vdso.bin"));
        assertFalse(reader.read().vdso().known(), "only the live vDSO is cached");
        assertEquals(2, reader.vdsoReads());
    }

    /**
     * The reuse rule of the live root, on a fixture (forced): while boot_id reads the same, the facts a running
     * kernel fixes (release, version, arch, runtime, vsyscall, the vDSO) are not read again, and those that can
     * change (clocksource, ASLR) are; a new boot id drops every reused fact, the vDSO included. Each value is
     * checked against the fixture's files as they stand.
     */
    @Test
    void kernelFactsAreReusedWhileTheBootIdReadsTheSameAndDroppedWhenItChanges() throws IOException {
        Path root = copyHost("tsc");
        installVdso(root, 0x7ffd4e5fc000L, TestImages.x86_64(), 0x2000);
        HostFactsReader reader = reusing(root);
        HostFacts first = reader.read();
        assertEquals("6.18.44", first.kernelRelease().get());
        assertEquals(VsyscallMode.XONLY, first.vsyscall().get());
        assertEquals(KernelRuntime.LINUX, first.kernel().runtime().get());

        // What a running kernel cannot change without a new boot; and what it can (clocksource, ASLR).
        write(root, "proc/sys/kernel/osrelease", "6.19.1");
        write(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz-4.4.0-gvisor quiet");
        write(root, "proc/self/maps", "7ffd4e5fc000-7ffd4e5fe000 r-xp 00000000 00:00 0      [vdso]");
        Files.delete(root.resolve("proc/self/vdso.bin"));
        write(root, "sys/devices/system/clocksource/clocksource0/current_clocksource", "hpet");
        write(root, "sys/devices/system/clocksource/clocksource0/available_clocksource", "hpet acpi_pm");
        write(root, "proc/sys/kernel/randomize_va_space", "0");
        HostFacts same = reader.read();
        assertEquals("6.18.44", same.kernelRelease().get(), "same boot id: the release is reused");
        assertEquals(VsyscallMode.XONLY, same.vsyscall().get(), "same boot id: maps is not read again");
        assertEquals(KernelRuntime.LINUX, same.kernel().runtime().get());
        assertEquals(first.vdso().get().symbols(), same.vdso().get().symbols());
        assertEquals("hpet", same.clocksource().get().current(), "the clocksource is read every time");
        assertEquals(Arrays.asList("hpet", "acpi_pm"), same.clocksource().get().available());
        assertEquals(0, (int) same.aslr().get(), "ASLR is read every time");
        assertEquals(1, reader.bootReads());
        assertEquals(1, reader.vdsoReads());

        write(root, "proc/sys/kernel/random/boot_id", "0b6a1f52-9c3d-4e7a-8f21-5d4c3b2a1908");
        HostFacts rebooted = reader.read();
        assertEquals("0b6a1f52-9c3d-4e7a-8f21-5d4c3b2a1908", rebooted.kernel().bootIdLabel());
        assertEquals("6.19.1", rebooted.kernelRelease().get(), "a new boot id: every fact read again");
        assertEquals(VsyscallMode.NONE, rebooted.vsyscall().get(), "the new maps has no [vsyscall]");
        assertEquals(KernelRuntime.GVISOR, rebooted.kernel().runtime().get());
        assertFalse(rebooted.vdso().known(), "the old kernel's vDSO is dropped, and this one has no image");
        assertEquals(2, reader.bootReads());
        assertEquals(2, reader.vdsoReads());
    }

    @Test
    void withoutABootIdNothingIsReused() throws IOException {
        Path root = copyHost("tsc");
        installVdso(root, 0x7ffd4e5fc000L, TestImages.x86_64(), 0x2000);
        Files.delete(root.resolve("proc/sys/kernel/random/boot_id"));
        HostFactsReader reader = reusing(root);
        assertEquals("6.18.44", reader.read().kernelRelease().get());
        write(root, "proc/sys/kernel/osrelease", "6.19.1");
        write(root, "proc/self/maps", "7ffd4e5fc000-7ffd4e5fe000 r-xp 00000000 00:00 0      [vdso]");
        HostFacts again = reader.read();
        assertEquals("6.19.1", again.kernelRelease().get(), "no boot id to check against: read again");
        assertEquals(VsyscallMode.NONE, again.vsyscall().get());
        assertEquals(2, reader.bootReads());
    }

    @Test
    void aKernelFactUnknownAtFirstIsReadAgainNotReused() throws IOException {
        Path root = copyHost("tsc");
        installVdso(root, 0x7ffd4e5fc000L, TestImages.x86_64(), 0x2000);
        Files.delete(root.resolve("proc/sys/kernel/osrelease"));
        HostFactsReader reader = reusing(root);
        assertFalse(reader.read().kernelRelease().known());
        write(root, "proc/sys/kernel/osrelease", "6.18.44");
        assertEquals("6.18.44", reader.read().kernelRelease().get());
        assertEquals(2, reader.bootReads());
        assertEquals("6.18.44", reader.read().kernelRelease().get());
        assertEquals(2, reader.bootReads(), "complete now: reused");
    }

    /** A fixture root that keeps facts across reads as the live root does (with the version the tsc host lacks). */
    private static HostFactsReader reusing(Path root) throws IOException {
        write(root, "proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC Debian 6.18.44-1");
        return new HostFactsReader(SystemRoot.at(root),
                () -> Probed.<io.vdsoagent.nativeaccess.NativeAccess>unknown("a fixture root asks no libc"), true);
    }

    private static void write(Path root, String file, String text) throws IOException {
        Files.write(root.resolve(file), (text + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void arm64HostTakesArchFromTheVdsoWhenProcHasNone() throws IOException {
        Path root = copyHost("arm64");
        Files.delete(root.resolve("proc/sys/kernel/arch"));
        installVdso(root, 0xffff8a1c2000L, TestImages.aarch64(ByteOrder.LITTLE_ENDIAN), 0x1000);
        HostFacts facts = new HostFactsReader(SystemRoot.at(root)).read();
        assertEquals("aarch64", facts.arch().get());
        assertEquals(Arrays.asList(new VdsoSymbol("LINUX_2.6.39", "LINUX_2.6.39"),
                new VdsoSymbol("__kernel_clock_gettime", "LINUX_2.6.39")), facts.vdso().get().symbols());
        assertEquals("arch_sys_counter", facts.clocksource().get().current());
        assertEquals(VsyscallMode.NONE, facts.vsyscall().get());
    }

    @Test
    void committedHostsWithoutAuxvStillReportEverythingElse() {
        for (String host : new String[] {"hpet", "acpi_pm", "xen", "arm64"}) {
            HostFacts facts = new HostFactsReader(Fixtures.host(host)).read();
            assertFalse(facts.vdso().known(), host);
            assertTrue(facts.vdso().reason().contains("auxv"), facts.vdso().reason());
            assertEquals(host.equals("arm64") ? "arch_sys_counter" : host, facts.clocksource().get().current());
            assertTrue(facts.kernelRelease().known(), host);
            assertTrue(facts.vsyscall().known(), host);
            assertTrue(facts.aslr().known(), host);
        }
    }

    @Test
    void auxvDisagreeingWithMapsIsAFindingNotAPrecondition() throws IOException {
        Path root = copyHost("tsc");
        installVdso(root, 0x7ffd4e5f6000L, TestImages.x86_64(), 0x1000); // auxv names the [vvar] start
        VdsoFacts vdso = new HostFactsReader(SystemRoot.at(root)).read().vdso().get();
        assertEquals(0x7ffd4e5f6000L, vdso.baseAddress());
        assertEquals(VdsoMapsCheck.Outcome.DISAGREES, vdso.mapsCheck().get().outcome());
        assertTrue(vdso.mapsCheck().get().detail().contains("the [vdso] line starts 24576 bytes after AT_SYSINFO_EHDR"),
                vdso.mapsCheck().toString());
    }

    /** gVisor's layout (maps copied from a real runsc sandbox): no [vdso] line, the image unnamed at auxv's address. */
    @Test
    void anUnnamedMappingAtAuxvsAddressIsTheVdsoAsGvisorMapsIt() throws IOException {
        Path root = copyHost("gvisor");
        installVdso(root, 0x7f017b093000L, TestImages.x86_64(), 0x1000);
        List<String> maps = new ArrayList<>(Files.readAllLines(root.resolve("proc/self/maps")));
        maps.replaceAll(l -> l.replace("7f017b093000-7f017b095000", "7f017b093000-7f017b094000"));
        Files.write(root.resolve("proc/self/maps"), maps);
        HostFacts facts = new HostFactsReader(SystemRoot.at(root)).read();
        VdsoFacts vdso = facts.vdso().get();
        assertEquals(VdsoMapsCheck.Outcome.UNNAMED, vdso.mapsCheck().get().outcome(), vdso.mapsCheck().toString());
        assertFalse(vdso.mapsCheck().get().detail().contains("7f017b093000"), "no address: " + vdso.mapsCheck());
        assertEquals("linux-vdso.so.1", vdso.soname());
        assertEquals("x86_64", facts.arch().get(), "no /proc/sys: from the vDSO's ELF");
        assertEquals("gvisor", facts.kernel().runtimeLabel());
    }

    @Test
    void corruptOrShortImageIsUnknownWithReason() throws IOException {
        Path root = copyHost("tsc");
        byte[] image = TestImages.x86_64();
        image[5] = 9; // EI_DATA
        installVdso(root, 0x7ffd4e5fc000L, image, 0x2000);
        Probed<VdsoFacts> vdso = new HostFactsReader(SystemRoot.at(root)).read().vdso();
        assertTrue(vdso.reason().contains("vDSO image is not a valid ELF: unknown EI_DATA 9"), vdso.reason());

        Files.write(root.resolve("proc/self/vdso.bin"), Arrays.copyOf(TestImages.x86_64(), 100));
        vdso = new HostFactsReader(SystemRoot.at(root)).read().vdso();
        assertTrue(vdso.reason().contains("cannot copy the vDSO image from "), vdso.reason());
        assertFalse(vdso.reason().contains("7ffd4e5fc000"), "no address in a reason: " + vdso.reason());
    }

    @Test
    void emptyJunkAndMissingRootsNeverThrow() {
        for (SystemRoot root : new SystemRoot[] {Fixtures.host("empty"), Fixtures.host("junk"),
                SystemRoot.at(tmp.resolve("does-not-exist"))}) {
            HostFacts facts = new HostFactsReader(root).read();
            assertFalse(facts.vdso().known(), root.toString());
            assertFalse(facts.clocksource().known(), root.toString());
            assertFalse(facts.kernelRelease().known(), root.toString());
            assertFalse(facts.aslr().known(), root.toString());
            assertFalse(facts.arch().known(), root + ": no /proc/sys/kernel/arch and no vDSO");
            assertTrue(facts.arch().reason().contains("no vDSO image"), facts.arch().reason());
            assertFalse(facts.kernel().bootId().known(), root.toString());
            assertEquals(KernelIdentity.UNKNOWN, facts.kernel().bootIdLabel());
        }
    }

    private Path copyHost(String host) throws IOException {
        Path from = Fixtures.hostPath(host);
        Path to = tmp.resolve(host);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    /** What a dump of a real host would hold: the auxv entry and the [vdso] range's bytes. */
    private static void installVdso(Path root, long base, byte[] image, int mappingSize) throws IOException {
        writeAuxv(root, base);
        Files.write(root.resolve("proc/self/vdso.bin"), Arrays.copyOf(image, mappingSize));
    }

    private static void writeAuxv(Path root, long base) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        b.putLong(Auxv.AT_PAGESZ).putLong(4096).putLong(Auxv.AT_SYSINFO_EHDR).putLong(base).putLong(0).putLong(0);
        Files.write(root.resolve("proc/self/auxv"), b.array());
    }
}
