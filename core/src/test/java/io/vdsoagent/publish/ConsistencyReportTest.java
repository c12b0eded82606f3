package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.base.Probed;
import io.vdsoagent.detect.ClockConsistencies;
import io.vdsoagent.detect.ClockConsistency;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.JvmClockConsistency;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A snapshot with a wrong monotonic clock and a standing-still nanoTime: headline, JSON and text say so. */
class ConsistencyReportTest {
    private final ClockHealth base = Fixtures.prober(
            new AtomicReference<HostFacts>(Fixtures.host("jiffies", "timebase", "jiffies")),
            new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.MONOTONIC)).probe();
    private final ClockHealth wrong = new ClockHealth(base.host(), base.clocks(), base.jvmClockPath(), base.takenAt(),
            base.probeWallNanos(), base.probeCpuNanos(), base.probeErrors(), base.kernelEvents(),
            new ClockConsistencies(Arrays.asList(
                    new ClockConsistency(ClockId.MONOTONIC, Probed.of(false), -21.56, 0.004, "libc monotonic OUTSIDE"),
                    new ClockConsistency(ClockId.MONOTONIC_COARSE, Probed.of(true), 0, 0.004, "libc monotonic_coarse within"),
                    ClockConsistency.unknown(ClockId.TAI, "clock_getres(tai) failed, errno 22")),
                    Collections.singletonList(new JvmClockConsistency("nanoTime",
                            new ClockConsistency(ClockId.MONOTONIC, Probed.of(false), -21.624, 0.004, "nanoTime OUTSIDE"),
                            "", Probed.of(true), Probed.of(false)))));

    @Test
    void theHeadlineNamesTheWrongClocksWithTheirOffsets() {
        String h = wrong.headline();
        assertTrue(h.contains("clock_gettime answers WRONG time (disagrees with the kernel's syscall) for monotonic -21.560 s"), h);
        assertTrue(h.contains("the JVM's clock path DISAGREES with the kernel: nanoTime -21.624 s"), h);
        String wrongPart = h.substring(h.indexOf("answers WRONG time"));
        assertTrue(!wrongPart.contains("monotonic_coarse") && !wrongPart.contains("tai"), "only the wrong ones: " + h);
    }

    @Test
    void jsonAndTextCarryEveryClocksResult() {
        String json = JsonReport.toJson(wrong, false, Collections.<String, String>emptyMap());
        assertTrue(json.contains("{\"clock\":\"monotonic\",\"consistent\":false,\"offsetSeconds\":-21.56,"
                + "\"resolutionSeconds\":0.004,\"kernelNanos\":[0,0],\"detail\":\"libc monotonic OUTSIDE\"}"), json);
        assertTrue(json.contains("{\"clock\":\"tai\",\"consistent\":{\"unknown\":\"clock_getres(tai) failed, errno 22\"}"), json);
        assertTrue(json.contains("\"method\":\"nanoTime\",\"kernelClock\":\"monotonic\",\"library\":\"\",\"consistent\":false"), json);
        assertTrue(json.contains("\"standingStill\":true,\"backwards\":false"), json);
        String text = TextReport.render(wrong, false);
        assertTrue(text.contains("    monotonic         WRONG        libc monotonic OUTSIDE"), text);
        assertTrue(text.contains("    tai               unknown      clock_getres(tai) failed"), text);
        assertTrue(text.contains("    nanoTime          WRONG        nanoTime OUTSIDE"), text);
    }
}
