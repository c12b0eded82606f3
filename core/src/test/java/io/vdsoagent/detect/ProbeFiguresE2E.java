package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.Prober;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.testing.ClockLoop;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for the closing note, printed rather than asserted (speed goals live in benchmarks, not
 * in timed tests): probe-cycle CPU and wall time per configuration, and the vDSO
 * clock_gettime(MONOTONIC) cost as measured by the latency detector vs a gcc-built C loop, in the
 * same run. Run: mvn -B -pl core -am verify -Pe2e -Dtest=none -Dit.test=ProbeFiguresE2E
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 */
class ProbeFiguresE2E {
    private static final int RUNS = 7;

    @Test
    void printFigures(@TempDir Path tmp) throws Exception {
        assertTrue(NativeAccess.get().known(), "native access: " + NativeAccess.get());
        Path loop = ClockLoop.compile(tmp);
        StringBuilder out = new StringBuilder("\n=== vdso-agent probe figures ===\n");

        cycle(out, "seccomp only, no JVM path", Prober.builder()
                .detectors(Collections.singleton(DetectorId.SECCOMP)).jvmClockPath(false).build());
        cycle(out, "seccomp + clocksource, no JVM path", Prober.builder()
                .detectors(new HashSet<>(Arrays.asList(DetectorId.SECCOMP, DetectorId.CLOCKSOURCE))).jvmClockPath(false).build());
        cycle(out, "default (all detectors; rusage skipped as seccomp decided) + JVM path", Prober.builder().build());
        cycle(out, "all detectors, rusage forced on all 9 clocks + JVM path", Prober.builder()
                .rusageOnlyWhenUndecided(false).build());

        NativeTimer timer = new NativeTimer(NativeAccess.get().get(), NativeAccess.get().get().allocateForever(16));
        double[] c = new double[RUNS];
        double[] net = new double[RUNS];
        double[] gross = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            // Interleaved so drifting load hits both sides alike.
            c[i] = ClockLoop.nanosPerCall(loop, ClockId.MONOTONIC.linuxId(), 5_000_000);
            NativeTimer.Cost cost = timer.libc(ClockId.MONOTONIC.linuxId(), 2000);
            net[i] = cost.netNanos;
            gross[i] = cost.grossNanos;
        }
        double cm = NativeTimer.median(c);
        double nm = NativeTimer.median(net);
        double gm = NativeTimer.median(gross);
        out.append(String.format(Locale.ROOT,
                "clock_gettime(MONOTONIC): C loop %.1f ns/call; latency detector %.1f ns net (%.0f %% of C), "
                        + "%.1f ns gross incl. FFI (%.0f %% of C); medians of %d interleaved runs%n",
                cm, nm, 100 * nm / cm, gm, 100 * gm / cm, RUNS));
        System.out.print(out);
        assertTrue(cm > 0 && nm >= 0, out.toString());
    }

    private static void cycle(StringBuilder out, String name, Prober prober) {
        prober.probe();
        prober.probe();
        double[] cpu = new double[RUNS];
        double[] wall = new double[RUNS];
        String headline = "";
        for (int i = 0; i < RUNS; i++) {
            ClockHealth h = prober.probe();
            cpu[i] = h.probeCpuNanos() / 1e6;
            wall[i] = h.probeWallNanos() / 1e6;
            headline = h.headline();
        }
        out.append(String.format(Locale.ROOT, "%-72s CPU %6.2f ms (min %.2f)  wall %7.2f ms (min %.2f)  [%s]%n",
                name, NativeTimer.median(cpu), min(cpu), NativeTimer.median(wall), min(wall), headline));
    }

    private static double min(double[] v) {
        double m = Double.MAX_VALUE;
        for (double d : v) {
            m = Math.min(m, d);
        }
        return m;
    }
}
