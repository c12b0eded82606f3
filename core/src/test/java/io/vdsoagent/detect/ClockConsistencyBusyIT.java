package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.ClockBracket;
import io.vdsoagent.testing.ConsistencyMain;
import io.vdsoagent.testing.DebianTools;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No false alarm on a healthy host made busy on purpose (a spinning process per core, at least two):
 * 20 probes, every clock and JVM method known and consistent. Ground truth that the host is healthy:
 * the C bracket program, run while the cores are busy, finds every libc value within 1 ms of its bracket.
 */
class ClockConsistencyBusyIT {
    private static final int PROBES = 20;

    @Test
    void twentyProbesOnABusyHealthyHostRaiseNoAlarm() throws Exception {
        List<Process> spinners = new ArrayList<>();
        try {
            for (int i = 0; i < Math.max(2, Runtime.getRuntime().availableProcessors()); i++) {
                spinners.add(new ProcessBuilder("timeout", "120", "sh", "-c", "while :; do :; done")
                        .redirectErrorStream(true).start());
            }
            DebianTools.Result truth = DebianTools.run(null,
                    ClockBracket.compile(Files.createTempDirectory("bracket")).toString());
            assertEquals(0, truth.exitCode, truth.toString());
            Map<Integer, Long> offsets = ClockBracket.offsets(truth.output);
            assertEquals(7, offsets.size(), truth.output);
            for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
                assertTrue(Math.abs(e.getValue()) < 1_000_000, "this host itself is off: " + truth.output);
            }
            DebianTools.Result r = ChildJvm.run(Collections.singletonMap("LD_PRELOAD", ""),
                    Collections.<String>emptyList(), ConsistencyMain.class, Integer.toString(PROBES));
            for (Process p : spinners) {
                assertTrue(p.isAlive(), "a busy loop ended before the child finished: the machine was not busy throughout");
            }
            assertEquals(0, r.exitCode, r.toString());
            int clean = 0;
            for (String line : r.output.split("\n")) {
                if (line.startsWith("PROBE ")) {
                    assertTrue(line.endsWith(" known 9 wrong"), "a false alarm: " + line + "\n" + r.output);
                    clean++;
                }
            }
            assertEquals(PROBES, clean, r.output);
            System.out.println("[busy consistency] " + clean + " probes, 0 false alarms; C program offsets (ns) " + offsets);
        } finally {
            for (Process p : spinners) {
                p.destroy();
            }
        }
    }
}
