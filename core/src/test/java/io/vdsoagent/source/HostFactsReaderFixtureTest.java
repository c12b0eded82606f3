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
