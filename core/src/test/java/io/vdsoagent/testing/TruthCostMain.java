package io.vdsoagent.testing;

import io.vdsoagent.detect.ClockSymbolResolver;
import io.vdsoagent.detect.ClockSymbols;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.KernelLogReader;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.SystemRoot;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the two new per-probe reads cost: resolving the clock functions (dlsym + a maps scan) and
 * reading /dev/kmsg, alternating round by round after a warm-up; prints medians and the spread.
 * Usage: java -cp core/target/classes:core/target/test-classes:DEPS io.vdsoagent.testing.TruthCostMain [rounds]
 */
public final class TruthCostMain {
    private TruthCostMain() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        double[] resolve = new double[rounds];
        double[] kmsg = new double[rounds];
        ClockSymbols s = null;
        Probed<List<KernelClockEvent>> k = null;
        for (int i = 0; i < 5; i++) { // warm-up: jnr loading and the first JIT compiles are start-up, not per probe
            s = ClockSymbolResolver.resolveLive();
            k = new KernelLogReader(SystemRoot.live()).read();
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            s = ClockSymbolResolver.resolveLive();
            long t1 = System.nanoTime();
            k = new KernelLogReader(SystemRoot.live()).read();
            long t2 = System.nanoTime();
            resolve[r] = (t1 - t0) / 1e6;
            kmsg[r] = (t2 - t1) / 1e6;
        }
        System.out.println(line("resolve clock functions", resolve) + "; " + s.interposed());
        System.out.println(line("read /dev/kmsg", kmsg) + "; " + (k.known() ? k.get().size() + " clock events" : k.toString()));
    }

    private static String line(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%s: median %.2f ms, min %.2f, max %.2f (%d rounds)", what, s[s.length / 2],
                s[0], s[s.length - 1], s.length);
    }
}
