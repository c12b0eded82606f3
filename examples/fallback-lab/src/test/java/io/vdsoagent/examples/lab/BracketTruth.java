package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ground truth for the consistency check, from core's C program clockbracket (raw syscall, libc
 * clock_gettime, raw syscall, per clock) run in a guest: one sample per line
 * "bracket <id> <libc minus the bracket's middle, ns> <raw before> <libc> <raw after>".
 */
final class BracketTruth {
    /** A sample is wrong when libc's value is outside its raw bracket by more than the agent's largest allowance. */
    static final double WRONG_BEYOND_NANOS = 5_000_000;

    private BracketTruth() {
    }

    /** clock -> samples {raw before, libc minus the bracket's middle, raw before, libc, raw after} (ns). */
    static Map<LabClock, List<double[]>> samples(List<String> lines) {
        Map<LabClock, List<double[]>> out = new EnumMap<>(LabClock.class);
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 6 && f[0].equals("bracket")) {
                out.computeIfAbsent(LabClock.byId(Integer.parseInt(f[1])), k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                                Double.parseDouble(f[4]), Double.parseDouble(f[5])});
            }
        }
        return out;
    }

    /** The C program's own verdict on one sample: libc's value outside its raw bracket. */
    static boolean outside(double[] sample) {
        return sample[3] < sample[2] - WRONG_BEYOND_NANOS || sample[3] > sample[4] + WRONG_BEYOND_NANOS;
    }

    static String describe(List<double[]> samples) {
        StringBuilder b = new StringBuilder();
        for (double[] s : samples) {
            b.append(String.format(" [%.0f, %.0f, %s]", s[0], s[1], outside(s)));
        }
        return b.toString();
    }

    /**
     * A healthy guest: the C program finds every non-CPU-time clock inside its bracket in every sample, and
     * the agent's report calls every clock and both JVM methods consistent, nanoTime neither standing still
     * nor going backwards.
     */
    static void assertAllConsistent(String guest, List<String> bracketLines, String reportJson) {
        Map<LabClock, List<double[]>> samples = samples(bracketLines);
        assertFalse(samples.isEmpty(), () -> guest + ": no C bracket samples: " + bracketLines);
        samples.forEach((clock, list) -> list.forEach(s -> assertFalse(outside(s),
                () -> "premise: the C program finds " + clock + " wrong in the " + guest + " guest:" + describe(list))));
        Map<String, Object> consistency = MiniJson.object(MiniJson.object(MiniJson.parse(reportJson)).get("consistency"));
        Map<String, Object> verdicts = new LinkedHashMap<>();
        for (Object entry : MiniJson.array(consistency.get("clocks"))) {
            Map<String, Object> c = MiniJson.object(entry);
            verdicts.put(String.valueOf(c.get("clock")), c.get("consistent"));
            assertEquals(Boolean.TRUE, c.get("consistent"), () -> guest + ": " + c.get("clock") + " " + c.get("detail"));
        }
        assertEquals(7, verdicts.size(), () -> guest + ": every clock but the CPU-time ones: " + verdicts);
        for (Object entry : MiniJson.array(consistency.get("jvm"))) {
            Map<String, Object> j = MiniJson.object(entry);
            assertEquals(Boolean.TRUE, j.get("consistent"), () -> guest + ": " + j.get("method") + " " + j.get("detail"));
        }
        assertTrue(String.valueOf(MiniJson.object(MiniJson.parse(reportJson)).get("headline")).indexOf("WRONG") < 0,
                () -> guest + ": headline");
    }
}
