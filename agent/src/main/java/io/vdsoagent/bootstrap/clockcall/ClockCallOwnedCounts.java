package io.vdsoagent.bootstrap.clockcall;

/**
 * The fast path of exact counting: each site has 8 stripes (one 64-byte line of longs), each stripe
 * owned by at most one live thread, picked by the thread id's low bits. The owner increments its stripe
 * with a plain add: one writer per long, so no count is lost, and no ThreadLocal lookup. A thread whose
 * stripe of a site belongs to another live thread falls back to its own table in
 * {@link ClockCallCounts} (still exact, a few ns slower). A dead owner's stripe passes to the next thread
 * that wants it and keeps its count: {@code Thread.isAlive() == false} orders the dead thread's writes
 * before the new owner's.
 *
 * <p>Storage is in fixed chunks of 1024 sites that never move once allocated (growing a single array
 * would race with plain increments and lose counts), allocated before a site id is handed out. The first
 * chunk (sites below 1024: all of most applications') is held in {@code static final} fields as well: to
 * the JIT those arrays and their lengths are constants, so a call site with such a (constant) id loads no
 * chunk and checks no bounds, and exact counting costs about what approximate counting does.
 */
final class ClockCallOwnedCounts {

    static final int CHUNK_SHIFT = 10;
    static final int SITES_PER_CHUNK = 1 << CHUNK_SHIFT;
    static final int STRIPE_SHIFT = 3;
    static final int STRIPE_MASK = (1 << STRIPE_SHIFT) - 1;
    /** Enough chunks for the instrumentation's site capacity (65536) plus the per-method overflow sites. */
    static final int MAX_CHUNKS = 66;

    private static final long[][] COUNTS = new long[MAX_CHUNKS][];
    private static final Thread[][] OWNERS = new Thread[MAX_CHUNKS][];
    private static final Object LOCK = new Object();
    /** Chunk 0, allocated with the class (the first site id is assigned right after). */
    private static final long[] FIRST_COUNTS = new long[SITES_PER_CHUNK << STRIPE_SHIFT];
    private static final Thread[] FIRST_OWNERS = new Thread[SITES_PER_CHUNK << STRIPE_SHIFT];

    static {
        COUNTS[0] = FIRST_COUNTS;
        OWNERS[0] = FIRST_OWNERS;
    }

    private ClockCallOwnedCounts() {
    }

    /** Counts one call at {@code site} for the calling thread; returns the count of its stripe or table. */
    static long increment(int site) {
        Thread thread = Thread.currentThread();
        if (site >= 0 && site < SITES_PER_CHUNK) { // '+', not '|': the JIT sees i's range and drops the bounds check
            int i = (site << STRIPE_SHIFT) + ((int) thread.getId() & STRIPE_MASK);
            if (FIRST_OWNERS[i] == thread) {
                return ++FIRST_COUNTS[i];
            }
            return incrementSlow(site, thread);
        }
        int chunk = site >>> CHUNK_SHIFT;
        if (chunk < MAX_CHUNKS) {
            Thread[] owners = OWNERS[chunk];
            if (owners != null) {
                int i = ((site & (SITES_PER_CHUNK - 1)) << STRIPE_SHIFT) | ((int) thread.getId() & STRIPE_MASK);
                if (owners[i] == thread) {
                    return ++COUNTS[chunk][i];
                }
            }
        }
        return incrementSlow(site, thread);
    }

    private static long incrementSlow(int site, Thread thread) {
        int chunk = site >>> CHUNK_SHIFT;
        if (chunk < MAX_CHUNKS) {
            int i = ((site & (SITES_PER_CHUNK - 1)) << STRIPE_SHIFT) | ((int) thread.getId() & STRIPE_MASK);
            synchronized (LOCK) {
                Thread[] owners = OWNERS[chunk];
                if (owners != null && (owners[i] == null || !owners[i].isAlive())) {
                    owners[i] = thread;
                    return ++COUNTS[chunk][i];
                }
            }
        }
        return ClockCallCounts.increment(site);
    }

    /** Makes room for {@code site}; called when the instrumentation assigns the id, before code uses it. */
    static void ensureSite(int site) {
        int chunk = site >>> CHUNK_SHIFT;
        if (chunk >= MAX_CHUNKS) {
            return; // counted in per-thread tables instead
        }
        synchronized (LOCK) {
            if (OWNERS[chunk] == null) {
                COUNTS[chunk] = new long[SITES_PER_CHUNK << STRIPE_SHIFT];
                OWNERS[chunk] = new Thread[SITES_PER_CHUNK << STRIPE_SHIFT];
            }
        }
    }

    /** Adds every stripe's count to {@code totals}, indexed by site id. */
    static void addAllTo(long[] totals) {
        synchronized (LOCK) {
            for (int chunk = 0; chunk < MAX_CHUNKS; chunk++) {
                long[] counts = COUNTS[chunk];
                if (counts == null) {
                    continue;
                }
                int first = chunk << CHUNK_SHIFT;
                int n = Math.min(SITES_PER_CHUNK, totals.length - first);
                for (int s = 0; s < n; s++) {
                    long sum = 0;
                    for (int stripe = 0; stripe <= STRIPE_MASK; stripe++) {
                        sum += counts[(s << STRIPE_SHIFT) | stripe];
                    }
                    totals[first + s] += sum;
                }
            }
        }
    }
}
