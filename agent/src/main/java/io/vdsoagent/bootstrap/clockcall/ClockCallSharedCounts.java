package io.vdsoagent.bootstrap.clockcall;

/**
 * Approximate call counts per call site for count-mode=approximate: each site owns one 64-byte cache
 * line of 8 plain longs, and a thread increments the long picked by its thread id (tid & 7). No
 * thread-local lookup and no atomic instruction, so it is the cheapest counter there is; two hot sites
 * never share a line. The price: two threads whose ids agree in the low 3 bits, calling the same site at
 * the same instant, can lose increments (threads that differ there write different longs and lose
 * nothing). A single shared long per site lost up to 25 % with two threads; see INSTRUMENTATION.md for
 * the measured loss of this layout.
 */
public final class ClockCallSharedCounts {

    /** Longs per site: 8 x 8 bytes = one cache line, one long per thread-id stripe. */
    static final int STRIDE_SHIFT = 3;
    static final int STRIPE_MASK = (1 << STRIDE_SHIFT) - 1;

    /** Grown (copied) by {@link #ensureSite} before a site id is handed to rewritten code. */
    static volatile long[] counts = new long[64 << STRIDE_SHIFT];

    private ClockCallSharedCounts() {
    }

    /** Counts a call of {@code site}; returns the new count of this thread's stripe of the site. */
    static long increment(int site) {
        long[] c = counts;
        int i = (site << STRIDE_SHIFT) | ((int) Thread.currentThread().getId() & STRIPE_MASK);
        if (i >= 0 && i < c.length) {
            return ++c[i];
        }
        return 1; // a site id the registry did not size for: do not count, never throw into the app
    }

    /** Makes room for {@code site}; the instrumentation calls this when it assigns the site id. */
    public static synchronized void ensureSite(int site) {
        ClockCallOwnedCounts.ensureSite(site); // exact mode's stripes, allocated at the same moment
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
            long sum = 0;
            for (int stripe = 0; stripe <= STRIPE_MASK; stripe++) {
                sum += c[(site << STRIDE_SHIFT) | stripe];
            }
            totals[site] += sum;
        }
    }
}
