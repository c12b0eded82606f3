package io.vdsoagent.testing;

import io.vdsoagent.detect.ClockConsistencyCheck;
import io.vdsoagent.detect.JvmClockConsistencyCheck;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.Prober;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the consistency check adds to a probe: two probers with the agent's default detectors, one with the
 * check and one without, probed alternately (same run, same load) after a warm-up; probe CPU is the
 * snapshot's own probeCpuNanos (probing thread + probe threads). Also the check alone (libc brackets for 7
 * clocks + the JVM path), timed by thread CPU. Prints medians and spread.
 * Usage: java -cp core/target/classes:core/target/test-classes:DEPS io.vdsoagent.testing.ConsistencyCostMain [rounds]
 */
public final class ConsistencyCostMain {
    private ConsistencyCostMain() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        Prober on = Prober.builder().consistencyCheck(true).build();
        Prober off = Prober.builder().consistencyCheck(false).build();
        ClockConsistencyCheck check = new ClockConsistencyCheck(NativeAccessLoader.shared().get());
        JvmClockConsistencyCheck jvm = new JvmClockConsistencyCheck(check);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) { // warm-up: loading, the first JIT compiles and the cached timings are start-up
            on.probe();
            off.probe();
            check.check();
            jvm.check("");
        }
        double[] withCheck = new double[rounds];
        double[] without = new double[rounds];
        double[] alone = new double[rounds];
        int wrong = 0;
        for (int i = 0; i < rounds; i++) {
            ClockHealth a = on.probe();
            ClockHealth b = off.probe();
            withCheck[i] = a.probeCpuNanos() / 1e6;
            without[i] = b.probeCpuNanos() / 1e6;
            wrong += a.consistency().wrongClocks().size() + a.consistency().wrongJvm().size();
            long c0 = mx.getCurrentThreadCpuTime();
            check.check();
            jvm.check("");
            alone[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        System.out.println(String.format(Locale.ROOT, "probe CPU with the check    %s", stats(withCheck)));
        System.out.println(String.format(Locale.ROOT, "probe CPU without the check %s", stats(without)));
        System.out.println(String.format(Locale.ROOT, "the check alone             %s", stats(alone)));
        System.out.println(String.format(Locale.ROOT, "median ratio with/without %.2f; wrong clocks seen: %d",
                median(withCheck) / median(without), wrong));
    }

    private static String stats(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "median %.3f ms, min %.3f, max %.3f (n=%d)", median(ms), s[0], s[s.length - 1],
                s.length);
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
