package io.vdsoagent.bootstrap.clockcall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The recorder called directly, as rewritten code calls it. Site ids here are above any id the
 * instrumentation hands out (its registry stops at 65,536 sites), so other tests in this JVM cannot
 * touch them and the counts are exact.
 */
class ClockCallRecorderTest {

    @Test
    void countsEveryCallOfEveryThreadExactlyIncludingThreadsThatDied() throws Exception {
        final int site = 101001;
        final int perThread = 100_000;
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int k = 0; k < perThread; k++) {
                    ClockCallRecorder.nanoTime(site);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(4L * perThread, ClockCallRecorder.siteCounts(site + 1)[site]);
    }

    @Test
    void countsExactlyInTheFirstChunkWhenThreadsShareStripesAndOwnersDie() throws Exception {
        final int site = uncountedSiteOfTheFirstChunk(); // the stripes in the JIT's constant arrays
        long before = ClockCallRecorder.siteCounts(site + 1)[site];
        final int perThread = 100_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[9]; // 9 live threads, 8 stripes: two of them share one
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                awaitQuietly(start);
                for (int k = 0; k < perThread; k++) {
                    ClockCallRecorder.nanoTime(site);
                }
            });
            threads[i].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < 20; i++) { // one after the other: each takes over stripes whose owners died
            Thread t = new Thread(() -> {
                for (int k = 0; k < 1000; k++) {
                    ClockCallRecorder.currentTimeMillis(site);
                }
            });
            t.start();
            t.join();
        }
        assertEquals(9L * perThread + 20 * 1000, ClockCallRecorder.siteCounts(site + 1)[site] - before);
    }

    @Test
    void aLiveOwnersStripeIsNeverSharedAndADeadOwnersStripePassesOnWithItsCount() throws Exception {
        final int site = uncountedSiteOfTheFirstChunk();
        ClockCallSharedCounts.ensureSite(site); // as the instrumentation does when it hands out the id
        final AtomicLong ownerFirst = new AtomicLong();
        final AtomicLong ownerSecond = new AtomicLong();
        final CountDownLatch counted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        Thread owner = new Thread(() -> {
            ownerFirst.set(ClockCallOwnedCounts.increment(site));
            counted.countDown();
            awaitQuietly(release);
            ownerSecond.set(ClockCallOwnedCounts.increment(site));
        });
        owner.start();
        counted.await();
        final AtomicLong sameStripeLast = new AtomicLong();
        Thread sameStripe = onTheStripeOf(owner, () -> {
            for (int k = 0; k < 5; k++) {
                sameStripeLast.set(ClockCallOwnedCounts.increment(site));
            }
        });
        sameStripe.start();
        sameStripe.join();
        release.countDown();
        owner.join();
        final AtomicLong successor = new AtomicLong();
        Thread next = onTheStripeOf(owner, () -> successor.set(ClockCallOwnedCounts.increment(site)));
        next.start();
        next.join();

        assertEquals(1L, ownerFirst.get());
        assertEquals(5L, sameStripeLast.get(), "a thread whose stripe has a live owner counts in a table of its own");
        assertEquals(2L, ownerSecond.get(), "the live owner's stripe was not written by another thread");
        assertEquals(3L, successor.get(), "the dead owner's stripe passes on with its count");
        assertEquals(8L, ClockCallRecorder.siteCounts(site + 1)[site]);
    }

    /** A site below 1024 nobody in this JVM has counted yet (other tests hand out ids to fixtures). */
    private static int uncountedSiteOfTheFirstChunk() {
        long[] counts = ClockCallRecorder.siteCounts(ClockCallOwnedCounts.SITES_PER_CHUNK);
        for (int site = counts.length - 1; site > 0; site--) {
            if (counts[site] == 0) {
                return site;
            }
        }
        throw new AssertionError("every site of the first chunk has been counted in this JVM");
    }

    /** An unstarted thread whose id falls on the same stripe as {@code other}'s (ids are sequential). */
    private static Thread onTheStripeOf(Thread other, Runnable body) {
        for (int tries = 0; tries < 1000; tries++) {
            Thread t = new Thread(body);
            if ((t.getId() & ClockCallOwnedCounts.STRIPE_MASK) == (other.getId() & ClockCallOwnedCounts.STRIPE_MASK)) {
                return t;
            }
        }
        throw new AssertionError("no thread id on the stripe of " + other.getId());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void foldsTablesOfDeadThreadsSoThreadChurnDoesNotGrowMemory() throws Exception {
        final int site = 101002;
        for (int i = 0; i < 500; i++) {
            Thread t = new Thread(() -> ClockCallRecorder.currentTimeMillis(site));
            t.start();
            t.join();
        }
        assertEquals(500L, ClockCallRecorder.siteCounts(site + 1)[site]);
        assertTrue(ClockCallRecorder.threadTables() < 100, "tables held: " + ClockCallRecorder.threadTables());
    }

    @Test
    void oneThreadCountsManySitesInItsOwnTable() {
        for (int site = 102000; site < 107000; site++) {
            for (int k = 0; k <= (site % 3); k++) {
                ClockCallRecorder.instantNow(site);
            }
        }
        long[] counts = ClockCallRecorder.siteCounts(107000);
        for (int site = 102000; site < 107000; site++) {
            assertEquals((site % 3) + 1, counts[site], "site " + site);
        }
    }

    @Test
    void returnsWhatTheClockReturns() {
        for (int i = 0; i < 5_000; i++) { // crosses the sampled path (1 in 1024) several times
            long before = System.nanoTime();
            long recorded = ClockCallRecorder.nanoTime(101003);
            long after = System.nanoTime();
            assertTrue(before <= recorded && recorded <= after, "nanoTime outside [before, after]");
            long millisBefore = System.currentTimeMillis();
            long millis = ClockCallRecorder.currentTimeMillis(101004);
            assertTrue(millisBefore <= millis && millis <= System.currentTimeMillis() + 1);
        }
        Instant before = Instant.now();
        Instant now = ClockCallRecorder.instantNow(101005);
        assertTrue(!now.isBefore(before) && !now.isAfter(Instant.now()));
    }

    @Test
    void countsOnlyTheSystemClockNotFixedOrApplicationClocks() {
        Clock fixed = Clock.fixed(Instant.ofEpochSecond(7), ZoneOffset.UTC);
        assertEquals(Instant.ofEpochSecond(7), ClockCallRecorder.clockInstant(fixed, 101006));
        assertEquals(7000L, ClockCallRecorder.clockMillis(fixed, 101006));
        ClockCallRecorder.clockMillis(Clock.systemDefaultZone(), 101007);
        ClockCallRecorder.clockInstant(Clock.systemUTC(), 101007);
        long[] counts = ClockCallRecorder.siteCounts(101008);
        assertEquals(0L, counts[101006]);
        assertEquals(2L, counts[101007]);
    }

    @Test
    void samplesOneCallInSampleEveryAndEstimatesTimeFromIt() {
        int method = ClockCallMethods.LOCAL_TIME_NOW;
        long samplesBefore = ClockCallSamples.samples(method);
        int every = ClockCallSamples.sampleEvery();
        for (int i = 0; i < 10 * every; i++) {
            ClockCallRecorder.localTimeNow(101009);
        }
        assertEquals(10L, ClockCallSamples.samples(method) - samplesBefore);
        assertTrue(ClockCallSamples.sampledNanos(method) > 0);
        assertEquals((double) every, ClockCallSamples.estimatedNanos(method) / (double) ClockCallSamples.sampledNanos(method),
                1e-9, "each sample stands for sample-every calls");
    }

    @Test
    void approximateModeCountsASingleThreadExactly() throws Exception {
        Recorder approximate = Recorder.freshCopy(true);
        approximate.ensureSite(70010);
        for (int i = 0; i < 50_000; i++) {
            approximate.nanoTime(70010);
        }
        assertEquals(50_000L, approximate.siteCounts(70011)[70010]);
        // an id nobody sized for is returned uncounted rather than thrown into the application
        assertTrue(approximate.nanoTime(Integer.MAX_VALUE / 2) > 0);
    }

    @Test
    void theCountModeCannotChangeOnceACallIsCounted() throws Exception {
        Recorder exact = Recorder.freshCopy(false);
        exact.nanoTime(70020);
        exact.configure(false); // the same mode again is fine
        InvocationTargetException refused = assertThrows(InvocationTargetException.class, () -> exact.configure(true));
        assertTrue(refused.getCause() instanceof IllegalStateException, String.valueOf(refused.getCause()));
        exact.nanoTime(70020);
        assertEquals(2L, exact.siteCounts(70021)[70020], "still counting, in the mode it was fixed in");
    }

    /**
     * The recorder's count mode is fixed once per JVM (this one's is exact): a copy of the recorder's
     * classes in a loader of their own has a mode of its own, set before its first counted call.
     */
    private static final class Recorder {
        private final Class<?> recorder;
        private final Class<?> sharedCounts;

        private Recorder(Class<?> recorder, Class<?> sharedCounts) {
            this.recorder = recorder;
            this.sharedCounts = sharedCounts;
        }

        static Recorder freshCopy(boolean approximate) throws Exception {
            URL classes = ClockCallRecorder.class.getProtectionDomain().getCodeSource().getLocation();
            ClassLoader isolated = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
            Recorder copy = new Recorder(isolated.loadClass(ClockCallRecorder.class.getName()),
                    isolated.loadClass(ClockCallSharedCounts.class.getName()));
            assertNotSame(ClockCallRecorder.class, copy.recorder);
            copy.configure(approximate);
            return copy;
        }

        void configure(boolean approximate) throws Exception {
            recorder.getMethod("configure", int.class, boolean.class).invoke(null, 1024, approximate);
        }

        void ensureSite(int site) throws Exception {
            sharedCounts.getMethod("ensureSite", int.class).invoke(null, site);
        }

        long nanoTime(int site) throws Exception {
            return (Long) recorder.getMethod("nanoTime", int.class).invoke(null, site);
        }

        long[] siteCounts(int capacity) throws Exception {
            return (long[]) recorder.getMethod("siteCounts", int.class).invoke(null, capacity);
        }
    }
}
