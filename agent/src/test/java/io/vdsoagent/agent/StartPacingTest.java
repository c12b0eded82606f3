package io.vdsoagent.agent;

import io.vdsoagent.agent.config.StartDelay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The start-delay policy with a scripted CPU clock and a recorded sleep (no real waiting). */
class StartPacingTest {
    private static final long MS = 1_000_000L;

    /** Process CPU readings, one per call; the last one repeats. */
    private static LongSupplier cpu(long... millis) {
        long[] i = {0};
        return () -> millis[(int) Math.min(i[0]++, millis.length - 1)] * MS;
    }

    /** Loaded-class totals, one per call; the last one repeats. */
    private static LongSupplier counts(long... totals) {
        long[] i = {0};
        return () -> totals[(int) Math.min(i[0]++, totals.length - 1)];
    }

    /** Listening-socket counts, one per call (the first when the wait begins); the last one repeats. */
    private static IntSupplier listening(int... counts) {
        int[] i = {0};
        return () -> counts[Math.min(i[0]++, counts.length - 1)];
    }

    private final List<Long> slept = new ArrayList<>();

    private long sleptMillis() {
        long sum = 0;
        for (long s : slept) {
            sum += s;
        }
        return sum;
    }

    @Test
    void autoWaitsWhileTheJvmIsBusyAndStartsAfterTwoQuietWindows() {
        // busy 250 ms per window (a full core) for four windows, then 10 ms per window
        StartPacing pacing = new StartPacing(StartDelay.AUTO, cpu(0, 250, 500, 750, 1000, 1010, 1020), () -> -1, () -> -1, slept::add);
        String said = pacing.await();
        assertEquals(6 * StartPacing.WINDOW_MILLIS, sleptMillis());
        assertTrue(said.contains("settle"), said);
    }

    @Test
    void oneQuietWindowBetweenBusyOnesIsNotASettledStart() {
        StartPacing pacing = new StartPacing(StartDelay.AUTO, cpu(0, 250, 260, 510, 520, 530), () -> -1, () -> -1, slept::add);
        pacing.await();
        assertEquals(5 * StartPacing.WINDOW_MILLIS, sleptMillis());
    }

    @Test
    void aQuarterOfOneCpuIsStillQuiet() {
        StartPacing pacing = new StartPacing(StartDelay.AUTO, cpu(0, 62, 124), () -> -1, () -> -1, slept::add);
        pacing.await();
        assertEquals(2 * StartPacing.WINDOW_MILLIS, sleptMillis());
    }

    @Test
    void classLoadingThatStoppedIsASettledStartEvenWhileTheJitKeepsACoreBusy() {
        // a full core every window; classes: 500 per window, then 3 (the application is ready and listens)
        // (the listener, bound in the third window, is read at the first quiet one: two more make it settled)
        StartPacing pacing = new StartPacing(StartDelay.AUTO, cpu(0, 250, 500, 750, 1000, 1250, 1500),
                counts(0, 500, 1000, 1500, 1503, 1506), listening(1, 2), slept::add);
        String said = pacing.await();
        assertEquals(6 * StartPacing.WINDOW_MILLIS, sleptMillis());
        assertTrue(said.contains("listens"), said);
    }

    @Test
    void aStarvedStartThatStillLoadsClassesIsNotQuiet() {
        // a loaded host: 20 ms of CPU per window (under a quarter of one CPU), yet 60 classes a window
        StartPacing pacing = new StartPacing(StartDelay.AUTO, cpu(0, 20, 40, 60, 80, 100, 120, 140),
                counts(0, 60, 120, 180, 240, 240, 240), listening(1), slept::add);
        pacing.await();
        assertEquals(6 * StartPacing.WINDOW_MILLIS, sleptMillis());
    }

    @Test
    void aLargeStartsLullIsNotItsEndUntilTheApplicationListens() {
        // 500 classes a window, a lull of 4 quiet windows (an election), 300 a window, then quiet for good
        LongSupplier classes = counts(0, 500, 1000, 1500, 1500, 1500, 1500, 1500, 1800, 2100, 2100);
        StartPacing pacing = new StartPacing(StartDelay.AUTO, () -> 0, classes, listening(1), slept::add);
        String said = pacing.await();
        assertEquals((9 + StartPacing.LULL_WINDOWS) * StartPacing.WINDOW_MILLIS, sleptMillis());
        assertTrue(said.contains("settle"), said);
    }

    @Test
    void theSameLullEndsTheWaitOnceTheApplicationListens() {
        // as above, but the application's listener appears with the second burst
        LongSupplier classes = counts(0, 500, 1000, 1500, 1500, 1500, 1500, 1500, 1800, 2100, 2100);
        // (read at the start and in the lull's four quiet windows: 1; at the first quiet window after it: 2)
        StartPacing pacing = new StartPacing(StartDelay.AUTO, () -> 0, classes,
                listening(1, 1, 1, 1, 1, 2), slept::add);
        pacing.await();
        assertEquals(12 * StartPacing.WINDOW_MILLIS, sleptMillis());
    }

    @Test
    void theListenersAreReadOnlyInQuietWindows() {
        // ten busy windows, then quiet: /proc/net/tcp is read once at the start and once per quiet window
        int[] reads = {0};
        StartPacing pacing = new StartPacing(StartDelay.AUTO, () -> 0,
                counts(0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000), () -> {
                    reads[0]++;
                    return 1;
                }, slept::add);
        pacing.await();
        assertEquals((10 + StartPacing.LULL_WINDOWS) * StartPacing.WINDOW_MILLIS, sleptMillis());
        assertEquals(1 + StartPacing.LULL_WINDOWS, reads[0]);
    }

    @Test
    void listenersThatWereThereWhenTheWaitBeganAreNotTheApplicationsSignal() {
        // ours and a debugger's (2) from the start: a large start then waits out the long quiet
        StartPacing pacing = new StartPacing(StartDelay.AUTO, () -> 0, counts(0, 500, 1000, 1000),
                listening(2), slept::add);
        pacing.await();
        assertEquals((2 + StartPacing.LULL_WINDOWS) * StartPacing.WINDOW_MILLIS, sleptMillis());
    }

    @Test
    void aSmallStartThatNeverListensSettlesAfterTwoQuietWindows() {
        // a batch job: 40 classes a window, then none; nothing ever listens (and /proc cannot tell)
        StartPacing pacing = new StartPacing(StartDelay.AUTO, () -> 0, counts(0, 40, 80, 80), () -> -1, slept::add);
        pacing.await();
        assertEquals(4 * StartPacing.WINDOW_MILLIS, sleptMillis());
    }

    @Test
    void autoWaitsAtMostItsBoundForAProcessThatStaysBusy() {
        long[] busy = new long[500];
        for (int i = 0; i < busy.length; i++) {
            busy[i] = i * 400L; // 1.6 cores
        }
        String said = new StartPacing(StartDelay.AUTO, cpu(busy), () -> -1, () -> -1, slept::add).await();
        assertEquals(StartDelay.AUTO_MAX_MILLIS, sleptMillis());
        assertTrue(said.contains("stayed busy"), said);
    }

    @Test
    void withoutAReadableCpuTimeAutoWaitsAFixedTime() {
        new StartPacing(StartDelay.AUTO, () -> -1, () -> -1, () -> -1, slept::add).await();
        assertEquals(StartPacing.BLIND_MILLIS, sleptMillis());
    }

    @Test
    void aFixedDelayWaitsExactlyThatLongAndZeroNotAtAll() throws Exception {
        new StartPacing(StartDelay.parse("1500ms"), () -> 0, () -> -1, () -> -1, slept::add).await();
        assertEquals(List.of(1500L), slept);
        slept.clear();
        new StartPacing(StartDelay.parse("0"), () -> 0, () -> -1, () -> -1, slept::add).await();
        assertEquals(List.of(), slept);
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheFlag() {
        String said = new StartPacing(StartDelay.AUTO, cpu(0, 1000), () -> -1, () -> -1, millis -> {
            throw new InterruptedException();
        }).await();
        assertTrue(Thread.interrupted());
        assertEquals("wait interrupted", said);
    }

    @Test
    void readsUtimeAndStimeAfterACommandWithSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 123 45 0 0 20 0 30 0 100 0 0";
        assertEquals((123 + 45) * 10 * MS, StartPacing.cpuNanos(stat));
        assertTrue(StartPacing.processCpuNanos() >= 0, "this JVM's /proc/self/stat");
    }
}
