package io.vdsoagent.bootstrap;

/**
 * The smallest heap the agent starts in. Once started it keeps ~3-4 MiB of live heap (BENCHMARKS.md,
 * "Lean"); below this maximum that is over a tenth of the heap, and at premain time nothing tells how
 * much the application will keep live a moment later (issue 16's -Xmx16m case: the application fills
 * 11 MiB right after), so the agent does not start at all. Checked first on the agent's thread, before
 * anything else is loaded (no management beans: {@code Runtime.maxMemory()} only). JDK only.
 */
final class HeapFloor {
    static final long MIN_MAX_HEAP = 32L * 1024 * 1024;

    private HeapFloor() {
    }

    /** Null when the heap's maximum is big enough (or unbounded); otherwise the reason, for one stderr line. */
    static String tooSmall(long maxHeapBytes) {
        if (maxHeapBytes <= 0 || maxHeapBytes == Long.MAX_VALUE || maxHeapBytes >= MIN_MAX_HEAP) {
            return null;
        }
        // No String.format: Formatter and regex classes would cost a tight heap ~0.1 MiB more.
        long tenthsOfMiB = (maxHeapBytes * 10 + (1L << 19)) >> 20;
        return "the heap's maximum is " + tenthsOfMiB / 10 + "." + tenthsOfMiB % 10 + " MiB, under the "
                + (MIN_MAX_HEAP >> 20) + " MiB the agent needs so that its ~4 MiB never crowd the application";
    }
}
