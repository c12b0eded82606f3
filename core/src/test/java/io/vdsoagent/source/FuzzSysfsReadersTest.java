package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * The clocksource and sysctl readers turn whatever a (container, fixture or hostile) /sys and
 * /proc hold into a value or "unknown, because ..." with a reason short enough for one log line:
 * never an exception, never junk passed on as a clocksource name or an ASLR mode.
 */
class FuzzSysfsReadersTest {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** The longest reason allowed: one log line, whatever the file held. */
    private static final int MAX_REASON = 400;
    private static final String[] FILES = {
        ClocksourceReader.DIR + "current_clocksource",
        ClocksourceReader.DIR + "available_clocksource",
        "/proc/sys/kernel/randomize_va_space",
        "/proc/sys/kernel/osrelease",
        "/proc/sys/kernel/arch",
    };

    private static Path root;

    @AfterAll
    static void removeRoot() throws IOException {
        if (root != null) {
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void read(FuzzedDataProvider data) throws Exception {
        SystemRoot system = SystemRoot.at(freshRoot());
        for (String file : FILES) {
            Path path = system.resolve(file);
            Files.createDirectories(path.getParent());
            switch (data.consumeInt(0, 7)) {
                case 0: // missing (no sysfs, not Linux)
                    break;
                case 1: // a directory where a file should be: readable name, unreadable content
                    Files.createDirectories(path);
                    break;
                default:
                    Files.write(path, data.consumeBytes(data.consumeInt(0, 300)));
            }
        }

        Probed<ClocksourceFacts> clocksource = new ClocksourceReader(system).read();
        if (clocksource.known()) {
            assertTrue(NAME.matcher(clocksource.get().current()).matches(), clocksource.toString());
            for (String name : clocksource.get().available()) {
                assertTrue(NAME.matcher(name).matches(), clocksource.toString());
            }
        } else {
            assertReason(clocksource);
        }

        KernelSysctls sysctls = new KernelSysctls(system);
        Probed<Integer> aslr = sysctls.randomizeVaSpace();
        if (aslr.known()) {
            assertTrue(aslr.get() >= 0 && aslr.get() <= 2, aslr.toString());
        } else {
            assertReason(aslr);
        }
        Probed<String> release = sysctls.osRelease();
        if (release.known()) {
            assertFalse(release.get().isEmpty());
            assertEquals(release.get().trim(), release.get());
        } else {
            assertReason(release);
        }
        Probed<String> arch = sysctls.arch();
        if (!arch.known()) {
            assertReason(arch);
        }
    }

    private static void assertReason(Probed<?> p) {
        assertFalse(p.reason().isEmpty());
        assertTrue(p.reason().length() <= MAX_REASON, "reason too long for one log line: " + p.reason());
        for (char c : p.reason().toCharArray()) {
            // A reason goes into a log line: no newline to break it, no ESC to repaint a terminal.
            assertFalse(c < 0x20 || c == 0x7f, "control character " + (int) c + " in reason: " + p.reason());
        }
    }

    /** One tree per input, in memory when /dev/shm exists (tens of thousands of inputs a minute). */
    private static Path freshRoot() throws IOException {
        if (root == null) {
            Path shm = Paths.get("/dev/shm");
            root = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "fuzz-sysfs")
                    : Files.createTempDirectory("fuzz-sysfs");
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
        }
        return root;
    }
}
