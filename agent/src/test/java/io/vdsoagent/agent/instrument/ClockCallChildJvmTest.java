package io.vdsoagent.agent.instrument;

import io.vdsoagent.testing.ChildJvms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact counts in a fresh JVM, interpreted ({@code -Xint}) and after JIT warm-up, for classes of the
 * system loader, of loaders with a null and with the platform parent, loaded before the instrumentation
 * (retransformed) and after it (transformed on load), including method references.
 */
class ClockCallChildJvmTest {

    private static final String[] STEPS = {"retransformed-system", "retransformed-null-parent",
        "retransformed-platform-parent", "loaded-null-parent", "loaded-platform-parent"};

    @Test
    void countsEveryCallWhenInterpreted() throws Exception {
        assertExactCounts(run(5_000, "-Xint"), 5_000);
    }

    @Test
    void countsEveryCallAfterJitWarmUp() throws Exception {
        assertExactCounts(run(200_000), 200_000);
    }

    @Test
    void approximateModeCountsOneThreadExactlyToo() throws Exception {
        // approximate mode only loses increments that race between threads; this scenario has one thread
        assertExactCounts(run(50_000, new String[0], "approximate"), 50_000);
    }

    private static void assertExactCounts(Map<String, Map<String, Long>> steps, long n) {
        for (String step : STEPS) {
            Map<String, Long> counts = steps.get(step);
            assertTrue(counts != null, "child printed no line for " + step + ": " + steps);
            // nanoTime: the direct site plus the System::nanoTime method reference
            assertEquals(2 * n, (long) counts.get("nanoTime"), step);
            assertEquals(n, (long) counts.get("currentTimeMillis"), step);
            // Instant.now: direct plus Instant::now reference; the fixed clock's instant() is not counted
            assertEquals(2 * n, (long) counts.get("Instant.now"), step);
            assertEquals(n, (long) counts.get("Clock.instant"), step);
            assertEquals(n, (long) counts.get("Clock.millis"), step);
            long dates = Math.min(n, 2000);
            for (String now : new String[] {"LocalDateTime.now", "LocalDate.now", "LocalTime.now",
                "ZonedDateTime.now", "OffsetDateTime.now"}) {
                assertEquals(dates, (long) counts.get(now), step + " " + now);
            }
            assertEquals(0L, (long) counts.get("backwards"), step + ": nanoTime went backwards");
        }
    }

    private static Map<String, Map<String, Long>> run(int n, String... jvmOptions) throws Exception {
        return run(n, jvmOptions, "exact");
    }

    private static Map<String, Map<String, Long>> run(int n, String[] jvmOptions, String countMode) throws Exception {
        String java = ChildJvms.java();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<String>();
        command.add(java);
        for (String o : jvmOptions) {
            command.add(o);
        }
        command.add("-Djdk.attach.allowAttachSelf=true");
        command.add("-cp");
        command.add(classPath);
        command.add(ChildScenario.class.getName());
        command.add(Integer.toString(n));
        command.add(countMode);
        ChildJvms.Finished run = ChildJvms.run(command, Collections.<String, String>emptyMap(), 120);
        Map<String, Map<String, Long>> steps = new HashMap<String, Map<String, Long>>();
        for (String line : run.output.split("\n")) {
            String[] parts = line.split(" ");
            Map<String, Long> counts = new HashMap<String, Long>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    counts.put(parts[i].substring(0, eq), Long.parseLong(parts[i].substring(eq + 1)));
                }
            }
            steps.put(parts[0], counts);
        }
        assertTrue(run.exited, "child JVM did not finish");
        assertEquals(0, run.exitCode, "child JVM failed:\n" + run.output);
        return steps;
    }
}
