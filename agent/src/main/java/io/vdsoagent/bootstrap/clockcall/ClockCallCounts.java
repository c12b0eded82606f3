package io.vdsoagent.bootstrap.clockcall;

/**
 * Exact call counts per call site, kept per thread so the hot path needs no atomic instruction and no
 * shared cache line: each thread increments only its own table (an open-addressed site -> count map, so
 * a thread that touches k sites holds O(k) longs however many sites exist).
 *
 * <p>Tables of all threads are listed here so a scrape can sum them; tables of threads that have died
 * are folded into one per-site array, so thread churn (thread pools, virtual threads) does not grow
 * memory without bound.
 */
final class ClockCallCounts {

    private static final ThreadLocal<ClockCallCounts> CURRENT = new ThreadLocal<ClockCallCounts>() {
        @Override
        protected ClockCallCounts initialValue() {
            return register(new ClockCallCounts(Thread.currentThread()));
        }
    };

    /**
     * The calling thread's slots array itself, so the hot path is one ThreadLocal lookup and no field
     * load; replaced (set again) when the owner grows its table.
     */
    private static final ThreadLocal<long[]> SLOTS = new ThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return CURRENT.get().slots;
        }
    };

    private static final Object LOCK = new Object();
    private static ClockCallCounts[] live = new ClockCallCounts[16];
    private static int liveCount;
    private static int foldWhenLiveReaches = 64;
    private static long[] retired = new long[64];

    private final Thread owner;
    /**
     * Pairs [site, count]; site 0 marks an empty slot (site ids start at 1). Only the owner writes;
     * volatile so a scraping thread sees a fully copied table after growth (a volatile read is a plain
     * load on x86 and ARMv8's ldar is cheap).
     */
    private volatile long[] slots = new long[2 * 8];
    private int used;

    private ClockCallCounts(Thread owner) {
        this.owner = owner;
    }

    /** Counts one call at {@code site} in the calling thread's table and returns its count there. */
    static long increment(int site) {
        long[] s = SLOTS.get();
        int i = (site & ((s.length >> 1) - 1)) << 1;
        if (s[i] == site) {
            return ++s[i + 1];
        }
        return CURRENT.get().incrementSlow(site);
    }

    private long incrementSlow(int site) {
        long[] s = slots;
        int mask = (s.length >> 1) - 1;
        for (int j = site & mask; ; j = (j + 1) & mask) {
            int i = j << 1;
            if (s[i] == site) {
                return ++s[i + 1];
            }
            if (s[i] == 0) {
                if (2 * (used + 1) > (mask + 1)) {
                    grow();
                    return incrementSlow(site);
                }
                s[i + 1] = 1;
                s[i] = site;
                used++;
                return 1;
            }
        }
    }

    private void grow() {
        long[] old = slots;
        long[] grown = new long[old.length * 2];
        int mask = (grown.length >> 1) - 1;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != 0) {
                int j = (int) old[i] & mask;
                while (grown[j << 1] != 0) {
                    j = (j + 1) & mask;
                }
                grown[j << 1] = old[i];
                grown[(j << 1) + 1] = old[i + 1];
            }
        }
        slots = grown;
        SLOTS.set(grown);
    }

    private void addTo(long[] totals) {
        long[] s = slots;
        for (int i = 0; i < s.length; i += 2) {
            int site = (int) s[i];
            if (site > 0 && site < totals.length) {
                totals[site] += s[i + 1];
            }
        }
    }

    private int maxSite() {
        long[] s = slots;
        int max = 0;
        for (int i = 0; i < s.length; i += 2) {
            max = Math.max(max, (int) s[i]);
        }
        return max;
    }

    private static ClockCallCounts register(ClockCallCounts counts) {
        synchronized (LOCK) {
            if (liveCount >= foldWhenLiveReaches) {
                foldDeadThreads();
                foldWhenLiveReaches = Math.max(64, 2 * liveCount);
            }
            if (liveCount == live.length) {
                ClockCallCounts[] grown = new ClockCallCounts[live.length * 2];
                System.arraycopy(live, 0, grown, 0, liveCount);
                live = grown;
            }
            live[liveCount++] = counts;
        }
        return counts;
    }

    /** Caller holds LOCK. A dead thread's table is final: Thread.isAlive() == false orders its writes before us. */
    private static void foldDeadThreads() {
        int kept = 0;
        for (int i = 0; i < liveCount; i++) {
            ClockCallCounts c = live[i];
            if (c.owner.isAlive()) {
                live[kept++] = c;
            } else {
                int needed = c.maxSite() + 1;
                if (needed > retired.length) {
                    long[] grown = new long[Math.max(needed, 2 * retired.length)];
                    System.arraycopy(retired, 0, grown, 0, retired.length);
                    retired = grown;
                }
                c.addTo(retired);
            }
        }
        for (int i = kept; i < liveCount; i++) {
            live[i] = null;
        }
        liveCount = kept;
    }

    /** Adds every thread's counts (live and dead) to {@code totals}, indexed by site id. */
    static void addAllTo(long[] totals) {
        synchronized (LOCK) {
            foldDeadThreads();
            int n = Math.min(totals.length, retired.length);
            for (int site = 0; site < n; site++) {
                totals[site] += retired[site];
            }
            for (int i = 0; i < liveCount; i++) {
                live[i].addTo(totals);
            }
        }
    }

    /** Number of per-thread tables currently held (live threads plus dead ones not folded yet). */
    static int tables() {
        synchronized (LOCK) {
            return liveCount;
        }
    }
}
