package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;
import io.vdsoagent.base.Probed;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves where the JVM's clock functions go ({@link ClockSymbolResolver}: the proof of an
 * interposer) and, as a supporting hint only, times System.nanoTime, System.currentTimeMillis and Instant.now and compares each with a direct
 * libc clock_gettime of the clock HotSpot uses for it (MONOTONIC, REALTIME). jnr resolves
 * clock_gettime inside libc itself, so an LD_PRELOAD interposer only slows the JVM's path.
 *
 * <p>Threshold: the direct path is libc called through jnr (FFI transition included, ~40 ns here),
 * which the JVM's own path (no FFI transition, ~25-40 ns) normally matches or beats. Run-to-run
 * noise is 30-60 %, so a JVM path over 3x the direct one AND over 100 ns more per call cannot be
 * noise, while an interposer (libfaketime locks, reads its config, and then calls the real
 * clock_gettime) adds far more. Both paths falling back to a syscall (hpet) keep the ratio near 1,
 * so a slow clocksource is not mistaken for interposition.
 */
public final class JvmClockPathProbe {
    static final double RATIO = 3.0;
    static final double ABSOLUTE_NANOS = 100;
    private static final int CALLS = 2000;
    private static volatile long sink;
    private final Probed<NativeAccess> nativeAccess;

    public JvmClockPathProbe() {
        this(NativeAccessLoader.shared());
    }

    public JvmClockPathProbe(Probed<NativeAccess> nativeAccess) {
        this.nativeAccess = nativeAccess;
    }

    private static final int WARM_UP_ROUNDS = 60;
    private static volatile boolean warmedUp;

    public JvmClockPath probe() {
        ClockSymbols symbols;
        try {
            symbols = ClockSymbolResolver.resolveLive(nativeAccess);
        } catch (Throwable t) {
            symbols = ClockSymbols.unknown("resolving the clock functions failed: " + t);
        }
        JvmClockPath timed = time();
        return new JvmClockPath(timed.methodNanos(), symbols, timed.timingHint(), timed.timingDetail());
    }

    private JvmClockPath time() {
        Map<String, Double> jvm = new LinkedHashMap<>();
        try {
            warmUp();
            jvm.put(JvmClockPath.NANO_TIME, medianNanos(0));
            jvm.put(JvmClockPath.CURRENT_TIME_MILLIS, medianNanos(1));
            jvm.put(JvmClockPath.INSTANT_NOW, medianNanos(2));
        } catch (Throwable t) {
            return JvmClockPath.unknown("timing the JVM clock methods failed: " + t);
        }
        Probed<NativeAccess> na = nativeAccess;
        if (!na.known()) {
            String why = "no direct path to compare: " + NativeAccessLoader.unavailable(na.reason());
            return new JvmClockPath(jvm, Probed.<Boolean>unknown(why), why);
        }
        try {
            // A local buffer: the timer holds it for as long as it calls the kernel with its address.
            NativeTimer timer = new NativeTimer(na.get(), na.get().allocate(16));
            // Gross costs: the JVM's own path has no FFI transition, so it should never be slower
            // than libc called through jnr unless something sits in front of libc.
            double mono = timer.libc(ClockId.MONOTONIC.linuxId(), CALLS).grossNanos;
            double real = timer.libc(ClockId.REALTIME.linuxId(), CALLS).grossNanos;
            return judge(jvm, mono, real);
        } catch (Throwable t) {
            String why = "timing the direct path failed: " + t;
            return new JvmClockPath(jvm, Probed.<Boolean>unknown(why), why);
        }
    }

    static JvmClockPath judge(Map<String, Double> jvm, double monotonicNanos, double realtimeNanos) {
        StringBuilder detail = new StringBuilder();
        boolean interposed = false;
        for (Map.Entry<String, Double> e : jvm.entrySet()) {
            double direct = JvmClockPath.NANO_TIME.equals(e.getKey()) ? monotonicNanos : realtimeNanos;
            double own = e.getValue();
            // Instant.now also allocates and depends on escape analysis: reported, not judged.
            boolean judged = !JvmClockPath.INSTANT_NOW.equals(e.getKey());
            boolean slow = judged && own > RATIO * direct && own - direct > ABSOLUTE_NANOS;
            interposed |= slow;
            if (detail.length() > 0) {
                detail.append("; ");
            }
            detail.append(String.format(Locale.ROOT, "%s %.1f ns vs direct libc %s %.1f ns%s", e.getKey(), own,
                    JvmClockPath.NANO_TIME.equals(e.getKey()) ? "monotonic" : "realtime", direct,
                    slow ? " (much slower: suggests an interposer)" : ""));
        }
        return new JvmClockPath(jvm, Probed.of(interposed), detail.toString());
    }

    /** Once per JVM: a cold (interpreted, allocating) loop would look several times too slow. */
    private static void warmUp() {
        if (warmedUp) {
            return;
        }
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            loop(0, CALLS);
            loop(1, CALLS);
            loop(2, CALLS);
        }
        warmedUp = true;
    }

    private static double medianNanos(int method) {
        double[] r = new double[NativeTimer.BATCHES];
        loop(method, CALLS);
        for (int b = 0; b < r.length; b++) {
            long t0 = System.nanoTime();
            loop(method, CALLS);
            r[b] = (System.nanoTime() - t0) / (double) CALLS;
        }
        return NativeTimer.median(r);
    }

    private static void loop(int method, int n) {
        long acc = 0;
        if (method == 0) {
            for (int i = 0; i < n; i++) {
                acc += System.nanoTime();
            }
        } else if (method == 1) {
            for (int i = 0; i < n; i++) {
                acc += System.currentTimeMillis();
            }
        } else {
            for (int i = 0; i < n; i++) {
                acc += Instant.now().getNano();
            }
        }
        sink = acc;
    }
}
