package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.nativeaccess.NativeAccessLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The seccomp filter and no_new_privs are permanent for the thread that installs them. This test
 * watches every thread of the JVM WHILE the probe runs (SeccompDetectorTest covers "after"): a
 * second thread samples {@code /proc/self/task/*}/status over and over during probes and records
 * any thread, other than the probe thread, whose Seccomp or NoNewPrivs differ from an unprobed
 * baseline.
 *
 * <p>The probe's filtered window is normally a few microseconds, too short to be sure the sampler
 * looked inside it. The detector is therefore handed a long clock list (the CPU-time clocks, which
 * always make the syscall), which keeps the probe thread filtered for tens of milliseconds; the
 * sampler must then see the probe thread itself filtered, which proves it looked at the right time
 * and can see a filter at all.
 */
class SeccompProbeConfinementTest {
    /** Linux truncates thread names to 15 characters in /proc/.../status. */
    private static final String PROBE_COMM = SeccompDetector.THREAD_NAME.substring(0, 15);
    private static final int PROBES = 5;
    private static final int CALLS_PER_PROBE = 50_000;

    @Test
    void noThreadButTheProbeThreadIsEverFilteredDuringProbes() throws Exception {
        assumeTrue(NativeAccessLoader.shared().known(), "native access: " + NativeAccessLoader.shared());
        final List<String> baseline = seccompLines(read(Paths.get("/proc/thread-self/status")));
        // Compared with a baseline, not with 0: inside a container every thread may carry the runtime's filter.
        // Seccomp_filters exists from Linux 5.9 on; Seccomp and NoNewPrivs everywhere.
        assertTrue(baseline.size() >= 2, "status must show Seccomp and NoNewPrivs: " + baseline);

        List<ClockId> longList = new ArrayList<>(CALLS_PER_PROBE);
        for (int i = 0; i < CALLS_PER_PROBE / 2; i++) {
            longList.add(ClockId.PROCESS_CPUTIME_ID);
            longList.add(ClockId.THREAD_CPUTIME_ID);
        }

        final AtomicBoolean probing = new AtomicBoolean(true);
        final List<String> violations = Collections.synchronizedList(new ArrayList<String>());
        final AtomicInteger samples = new AtomicInteger();
        final AtomicInteger probeThreadSeenFiltered = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (probing.get()) {
                try {
                    sampleOnce(baseline, violations, probeThreadSeenFiltered);
                    samples.incrementAndGet();
                } catch (IOException e) {
                    violations.add("cannot sample: " + e);
                }
            }
        }, "confinement-sampler");
        sampler.start();
        List<Finding> last = null;
        try {
            for (int i = 0; i < PROBES; i++) {
                last = new SeccompDetector(60_000).detect(null, longList);
            }
        } finally {
            probing.set(false);
            sampler.join(10_000);
        }

        assertEquals(Verdict.SYSCALL, last.get(0).verdict(), "the probe must have run filtered: " + last.get(0));
        assertEquals(new ArrayList<String>(), new ArrayList<>(violations),
                "threads other than the probe thread carried a filter or no_new_privs");
        assertTrue(probeThreadSeenFiltered.get() > 0, "the sampler never saw the probe thread filtered in "
                + samples.get() + " samples: it did not look during the probe, so it proves nothing");
        System.out.printf("confinement: %d samples during %d probes, probe thread seen filtered %d times,"
                + " other threads never%n", samples.get(), PROBES, probeThreadSeenFiltered.get());
    }

    private static void sampleOnce(List<String> baseline, List<String> violations, AtomicInteger probeSeen)
            throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path task : tasks) {
                String status;
                try {
                    status = read(task.resolve("status"));
                } catch (IOException gone) {
                    continue; // the thread ended between listing and reading
                }
                List<String> lines = seccompLines(status);
                if (lines.equals(baseline)) {
                    continue;
                }
                if (status.contains("Name:\t" + PROBE_COMM + "\n")) {
                    probeSeen.incrementAndGet();
                } else if (violations.size() < 20) {
                    violations.add(nameOf(status) + " (" + task + "): " + lines);
                }
            }
        }
    }

    private static String nameOf(String status) {
        int start = status.indexOf("Name:\t") + 6;
        return status.substring(start, status.indexOf('\n', start));
    }

    private static List<String> seccompLines(String status) {
        List<String> out = new ArrayList<>();
        for (String line : status.split("\n")) {
            if (line.startsWith("Seccomp:") || line.startsWith("Seccomp_filters:") || line.startsWith("NoNewPrivs:")) {
                out.add(line.trim());
            }
        }
        return out;
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
