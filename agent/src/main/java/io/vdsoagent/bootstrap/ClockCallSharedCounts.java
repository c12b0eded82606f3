package io.vdsoagent.bootstrap;

/**
 * Approximate call counts per call site: one plain long per site, shared by all threads, each on its own
 * 64-byte cache line so two hot sites never share a line. No thread-local lookup and no atomic
 * instruction, so it is the cheapest counter there is; the price is that two threads incrementing the
 * same site at the same instant can lose one of the increments (see INSTRUMENTATION.md for the measured
 * loss). Used when count-mode=approximate.
 */
public final class ClockCallSharedCounts {

    /** Longs per site: 8 x 8 bytes = one cache line. */
    static final int STRIDE_SHIFT = 3;

    /** Grown (copied) by {@link #ensureSite} before a site id is handed to rewritten code. */
    static volatile long[] counts = new long[64 << STRIDE_SHIFT];

    private ClockCallSharedCounts() {
    }

    /** Makes room for {@code site}; the instrumentation calls this when it assigns the site id. */
    public static synchronized void ensureSite(int site) {
        long[] c = counts;
        int needed = (site + 1) << STRIDE_SHIFT;
        if (needed > c.length) {
            long[] grown = new long[Math.max(needed, 2 * c.length)];
            // Increments racing with this copy land in the old array and are lost: approximate mode.
            System.arraycopy(c, 0, grown, 0, c.length);
            counts = grown;
        }
    }

    static void addAllTo(long[] totals) {
        long[] c = counts;
        int n = Math.min(totals.length, c.length >> STRIDE_SHIFT);
        for (int site = 0; site < n; site++) {
            totals[site] += c[site << STRIDE_SHIFT];
        }
    }
}
