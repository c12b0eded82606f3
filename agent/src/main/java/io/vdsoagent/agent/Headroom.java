package io.vdsoagent.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent stands down instead of the application: before each heavy start-up step it compares what
 * the step needs (measured, see BENCHMARKS.md, "Memory") with what the heap and metaspace have left
 * below their maxima, and skips the step when taking it could push the JVM into an OutOfMemoryError.
 * Such an error would be thrown in whichever thread allocates next (often the application's), and with
 * {@code -XX:+ExitOnOutOfMemoryError} it ends the JVM even when our own thread takes it.
 *
 * <p>Live heap is estimated without a GC (the agent must not trigger one): every heap pool but eden as
 * it is now, eden as it was after the last collection (empty). Unbounded pools (no -Xmx, no
 * MaxMetaspaceSize) always have room. A margin of a quarter of each maximum stays the application's.
 */
final class Headroom {
    private static final Logger log = LoggerFactory.getLogger(Headroom.class);
    private static final long MIB = 1024L * 1024;

    /** The heavy steps, each with what it adds at most: metaspace (class loading) and heap (live + transient). */
    enum Step {
        // Measured on JDK 17 and 25 (log-level=debug prints the figures before each step): registry and
        // endpoint +1.6 MiB metaspace, the first probe (jnr, detectors, binder) +3.9 MiB, Byte Buddy
        // +5.0 MiB; live heap +0.5 to +1.2 MiB each. Rounded up by about a third.
        ENDPOINT("the metrics endpoint", 5 * MIB / 2, 2 * MIB),
        FIRST_PROBE("the probe", 5 * MIB, 2 * MIB),
        INSTRUMENTATION("the clock-call instrumentation", 13 * MIB / 2, 3 * MIB),
        /**
         * otlp-endpoint: ~370 classes (+1.2 MiB metaspace before the first export on JDK 17 and 25), the
         * part's class bytes read whole (4.6 MB) and held until the first export.
         */
        OTLP_PUSH("the OTLP push", 4 * MIB, 8 * MIB),
        /** Nothing to skip: only the debug line, so a start-up's steps can be measured one by one. */
        AFTER_START("nothing (start-up done)", 0, 0);

        final String what;
        final long metaspaceBytes;
        final long heapBytes;

        Step(String what, long metaspaceBytes, long heapBytes) {
            this.what = what;
            this.metaspaceBytes = metaspaceBytes;
            this.heapBytes = heapBytes;
        }
    }

    private Headroom() {
    }

    /** Null when the step fits; otherwise why it does not, for the one log line and the degraded reason. */
    static String shortfall(Step step) {
        try {
            MemoryUsage metaspace = metaspace();
            MemoryUsage heap = heap();
            if (log.isDebugEnabled()) {
                log.debug("before {}: metaspace {} KiB used (max {}), heap {} KiB live (max {})", step.what,
                        metaspace == null ? -1 : metaspace.getUsed() / 1024, metaspace == null ? -1 : metaspace.getMax(),
                        heap.getUsed() / 1024, heap.getMax());
            }
            return shortfall(step, metaspace, heap);
        } catch (Throwable t) {
            // No management beans (a stripped runtime): nothing to judge by; go ahead as before.
            return null;
        }
    }

    static String shortfall(Step step, MemoryUsage metaspace, MemoryUsage heap) {
        String m = check("metaspace", step.metaspaceBytes, metaspace);
        String h = check("heap", step.heapBytes, heap);
        if (m == null && h == null) {
            return null;
        }
        return "skipped " + step.what + ": " + (m == null ? h : h == null ? m : m + ", " + h);
    }

    /** Null when {@code need} plus a quarter of the maximum fits between used and max. */
    static String check(String pool, long need, MemoryUsage usage) {
        if (usage == null || usage.getMax() <= 0) {
            return null;
        }
        long left = usage.getMax() - usage.getUsed();
        if (left >= need + usage.getMax() / 4) {
            return null;
        }
        return String.format(Locale.ROOT, "%s has %.1f MiB left of %.1f MiB, it needs %.1f MiB and a quarter stays the application's",
                pool, left / (double) MIB, usage.getMax() / (double) MIB, need / (double) MIB);
    }

    /** Looked up once: each getMemoryPoolMXBeans() call builds new beans and ObjectNames. */
    private static volatile List<MemoryPoolMXBean> pools;

    private static List<MemoryPoolMXBean> pools() {
        List<MemoryPoolMXBean> p = pools;
        if (p == null) {
            p = ManagementFactory.getMemoryPoolMXBeans();
            pools = p;
        }
        return p;
    }

    /** Metaspace as a whole (class space is part of it); max -1 when unbounded. */
    static MemoryUsage metaspace() {
        for (MemoryPoolMXBean p : pools()) {
            if (p.getType() == MemoryType.NON_HEAP && "Metaspace".equals(p.getName())) {
                return p.getUsage();
            }
        }
        return null;
    }

    /** Estimated live heap (used, eden as after the last GC) against the heap's maximum. */
    static MemoryUsage heap() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        long live = 0;
        for (MemoryPoolMXBean p : pools()) {
            if (p.getType() != MemoryType.HEAP) {
                continue;
            }
            MemoryUsage after = p.getName().contains("Eden") ? p.getCollectionUsage() : null;
            live += after != null ? after.getUsed() : p.getUsage().getUsed();
        }
        if (max >= 0 && live > max) {
            live = max;
        }
        return new MemoryUsage(-1, live, live, max);
    }
}
