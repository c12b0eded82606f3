package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The assembled facts for this very JVM, checked against the raw files read independently here
 * (simple splits, no project code).
 */
class HostFactsReaderLiveTest {
    private static HostFacts facts;

    @BeforeAll
    static void readOnce() {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
                "the live sources only exist on Linux");
        long t0 = System.nanoTime();
        facts = new HostFactsReader(SystemRoot.live()).read();
        System.out.printf("HostFactsReader.read() first call (incl. class loading): %.2f ms%n",
                (System.nanoTime() - t0) / 1e6);
        printBestOfTimings();
        System.out.println("vDSO symbols: " + facts.vdso().get().symbols());
    }

    /** Measurement for the report only (best of 50, no assertion on time: timing belongs in benchmarks). */
    private static void printBestOfTimings() {
        long maps = Long.MAX_VALUE;
        long image = Long.MAX_VALUE;
        long parse = Long.MAX_VALUE;
        long all = Long.MAX_VALUE;
        long clocksource = Long.MAX_VALUE;
        for (int i = 0; i < 50; i++) {
            long a = System.nanoTime();
            SpecialMappings m = new MapsReader(SystemRoot.live()).read().get();
            long b = System.nanoTime();
            long base = new AuxvReader(SystemRoot.live()).read().get().sysinfoEhdr().get();
            byte[] bytes = new VdsoImageReader(SystemRoot.live()).read(base, 4096).get().bytes();
            long c = System.nanoTime();
            try {
                io.vdsoagent.source.elf.ElfParser.parse(bytes);
            } catch (io.vdsoagent.source.elf.ElfParseException e) {
                throw new AssertionError(e);
            }
            long d = System.nanoTime();
            new HostFactsReader(SystemRoot.live()).read();
            long e = System.nanoTime();
            new ClocksourceReader(SystemRoot.live()).read();
            clocksource = Math.min(clocksource, System.nanoTime() - e);
            maps = Math.min(maps, b - a);
            image = Math.min(image, c - b);
            parse = Math.min(parse, d - c);
            all = Math.min(all, e - d);
        }
        System.out.printf("best of 50: maps scan %.1f us, auxv+image copy %.1f us, ELF parse %.1f us,"
                + " whole HostFactsReader.read() %.1f us, ClocksourceReader.read() %.1f us%n",
                maps / 1e3, image / 1e3, parse / 1e3, all / 1e3, clocksource / 1e3);
    }

    @Test
    void vdsoBaseIsTheVdsoLineOfMaps() throws IOException {
        long start = -1;
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
            if (line.endsWith("[vdso]")) {
                start = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
            }
        }
        assertTrue(facts.vdso().known(), facts.vdso().toString());
        assertEquals(start, facts.vdso().get().baseAddress());
    }

    /** On Linux the ELF's own extent, page-rounded, is exactly maps' [vdso] line: the cross-check agrees. */
    @Test
    void theElfsExtentIsTheVdsoLineOfMaps() throws IOException {
        long size = -1;
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
            if (line.endsWith("[vdso]")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                size = Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
            }
        }
        assertEquals(size, facts.vdso().get().imageBytes());
        assertEquals(VdsoMapsCheck.Outcome.AGREES, facts.vdso().get().mapsCheck().get().outcome(),
                facts.vdso().get().mapsCheck().toString());
    }

    @Test
    void theVdsoIsReadOnceForTheLiveRootAndStaysTrue() throws IOException {
        HostFactsReader reader = new HostFactsReader(SystemRoot.live());
        HostFacts first = reader.read();
        HostFacts again = reader.read();
        assertEquals(1, reader.vdsoReads(), "the live vDSO cannot move: read and parsed once");
        assertEquals(1, reader.bootReads(), "the boot id reads the same: release, arch, maps not read again");
        assertEquals(first.vdso().get().baseAddress(), again.vdso().get().baseAddress());
        assertEquals(first.vdso().get().symbols(), again.vdso().get().symbols());
        long start = -1;
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
            if (line.endsWith("[vdso]")) {
                start = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
            }
        }
        assertEquals(start, again.vdso().get().baseAddress(), "the reused base is still /proc/self/maps' [vdso]");
        assertEquals(first.vsyscall().get(), again.vsyscall().get(), "vsyscall= is fixed at boot: reused");
        assertEquals(read("/proc/sys/kernel/random/boot_id"), again.kernel().bootIdLabel(), "the boot id is read every time");
        assertEquals(read("/proc/sys/kernel/osrelease"), again.kernelRelease().get());
        assertEquals(Integer.parseInt(read("/proc/sys/kernel/randomize_va_space")), (int) again.aslr().get());
        assertEquals(read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
                again.clocksource().get().current());
    }

    @Test
    void kernelReleaseAndAslrMatchProcfs() throws IOException {
        assertEquals(read("/proc/sys/kernel/osrelease"), facts.kernelRelease().get());
        assertEquals(read("/proc/sys/kernel/version"), facts.kernelVersion().get());
        assertEquals(Integer.parseInt(read("/proc/sys/kernel/randomize_va_space")), (int) facts.aslr().get());
    }

    @Test
    void kernelIdentityIsProcfsBootIdOnALinuxHost() throws IOException {
        KernelIdentity kernel = facts.kernel();
        assertEquals(read("/proc/sys/kernel/random/boot_id"), kernel.bootId().get());
        assertEquals(KernelRuntime.LINUX, kernel.runtime().get(), "the tests run on a Linux host, not in a sandbox");
        assertFalse(kernel.sandboxed());
    }

    @Test
    void clocksourceMatchesSysfs() throws IOException {
        String dir = "/sys/devices/system/clocksource/clocksource0/";
        ClocksourceFacts cs = facts.clocksource().get();
        assertEquals(read(dir + "current_clocksource"), cs.current());
        assertEquals(String.join(" ", read(dir + "available_clocksource").split("\\s+")),
                String.join(" ", cs.available()));
    }

    @Test
    void archAndElfMachineAgreeWithTheJvm() {
        String expected = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        assertEquals(expected, facts.arch().get());
        assertEquals(expected, facts.vdso().get().elfMachine());
    }

    @Test
    void vsyscallModeIsKnown() {
        assertTrue(facts.vsyscall().known(), facts.vsyscall().toString());
        assertFalse(facts.vdso().get().symbols().isEmpty());
    }

    private static String read(String path) throws IOException {
        return new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.UTF_8).trim();
    }
}
