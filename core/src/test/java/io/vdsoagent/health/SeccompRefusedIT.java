package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.SeccompDetector;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.testing.ChildJvm;
import io.vdsoagent.testing.DebianTools;
import io.vdsoagent.testing.SeccompRefusedMain;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose threads may not call seccomp() (as under a strict container profile): the seccomp
 * detector reports "refused", not a verdict, and the lower-ranked detectors answer instead. They are
 * heuristics and may be unsure on a given host, so which one decides is not asserted; what is asserted
 * is that none of them states a wrong verdict. The truth for monotonic comes from the seccomp detector
 * in this (unrestricted) test JVM on the same host; the CPU-time and coarse clocks are kernel facts.
 */
class SeccompRefusedIT {
    private static final Pattern VERDICT = Pattern.compile("^VERDICT (\\S+) (\\S+) (\\S+)$", Pattern.MULTILINE);

    @Test
    void aRefusedSeccompIsInconclusiveAndNoOtherDetectorContradictsTheTruth() throws Exception {
        assumeTrue(NativeAccess.get().known(), "native access: " + NativeAccess.get());
        List<Finding> truth = new SeccompDetector(10_000).detect(null, Collections.singletonList(ClockId.MONOTONIC));
        assertFalse(truth.get(0).verdict() == Verdict.UNKNOWN, "seccomp must answer in the test JVM: " + truth);

        DebianTools.Result r = ChildJvm.run(Collections.<String, String>emptyMap(),
                Collections.<String>emptyList(), SeccompRefusedMain.class, "rusageWallCapMillis=10000");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.output.contains("seccomp: unknown [inconclusive] - seccomp refused: errno 1"), r.output);

        int verdicts = 0;
        Matcher m = VERDICT.matcher(r.output);
        while (m.find()) {
            ClockId clock = ClockId.fromLabel(m.group(1));
            String verdict = m.group(2);
            String detector = m.group(3);
            assertFalse("seccomp".equals(detector), "a refused seccomp decided " + clock.label() + ": " + r.output);
            if (verdict.equals("unknown")) {
                continue;
            }
            verdicts++;
            String expected = clock.isCpuTime() ? "syscall"
                    : clock.isCoarse() ? "vdso"
                    : clock == ClockId.MONOTONIC ? truth.get(0).verdict().label() : null;
            if (expected != null) {
                assertEquals(expected, verdict, clock.label() + " decided by " + detector + ": " + r.output);
            }
        }
        // The CPU-time and coarse clocks are answered by the clocksource table at the latest.
        assertTrue(verdicts >= 4, "at least the 4 CPU-time and coarse clocks get a verdict: " + r.output);
    }
}
