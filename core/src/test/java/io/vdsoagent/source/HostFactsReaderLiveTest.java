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
        long t1 = System.nanoTime();
        HostFacts again = new HostFactsReader(SystemRoot.live()).read();
        long t2 = System.nanoTime();
        System.out.printf("HostFactsReader.read(): first %.2f ms (incl. class loading), second %.3f ms%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        System.out.println("vdso: " + again.vdso().get().symbols());
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

    @Test
    void kernelReleaseAndAslrMatchProcfs() throws IOException {
        assertEquals(read("/proc/sys/kernel/osrelease"), facts.kernelRelease().get());
        assertEquals(Integer.parseInt(read("/proc/sys/kernel/randomize_va_space")), (int) facts.aslr().get());
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
