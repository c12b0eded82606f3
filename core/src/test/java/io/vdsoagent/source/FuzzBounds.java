package io.vdsoagent.source;

import java.lang.management.ManagementFactory;

/**
 * Test helper for the Fuzz* tests: measures what one call allocates on the current thread, so a
 * fuzz target can assert "no allocation beyond a bound derived from the input size". A parser that
 * sizes an array from an unchecked count read out of the input (the classic way a hostile file
 * exhausts the heap) blows such a bound even on a 4 KiB input.
 */
public final class FuzzBounds {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private FuzzBounds() {
    }

    /** A body that may throw a checked exception, as the parsers do. */
    public interface Body<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code body} and fails when it allocated more than {@code limitBytes}, whether it returned
     * or threw (a parser that allocates wildly and then fails is as harmful). Exceptions of the body
     * pass through unchanged: the caller decides which ones are declared parse errors. The first run
     * of a code path also loads classes, allocating on this thread; an over-budget run is therefore
     * repeated once and only the repeat counts (the parsers are deterministic).
     */
    public static <T> T withinAllocation(long limitBytes, String what, Body<T> body) throws Exception {
        long before = allocatedSoFar();
        T result = null;
        Exception failure = null;
        try {
            result = body.run();
        } catch (Exception e) {
            failure = e;
        }
        if (allocatedSoFar() - before > limitBytes) {
            before = allocatedSoFar();
            try {
                body.run();
            } catch (Exception sameAsBefore) {
                // the first run's outcome is what the caller gets
            }
            long repeat = allocatedSoFar() - before;
            if (repeat > limitBytes) {
                throw new AssertionError(what + " allocated " + repeat + " bytes, bound is " + limitBytes);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Bytes this thread allocated so far; 0 for ever when the JVM cannot tell (no bound is checked). */
    private static long allocatedSoFar() {
        if (THREADS == null) {
            return 0;
        }
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof com.sun.management.ThreadMXBean) {
            com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) bean;
            if (sun.isThreadAllocatedMemorySupported()) {
                sun.setThreadAllocatedMemoryEnabled(true);
                return sun;
            }
        }
        return null;
    }
}
