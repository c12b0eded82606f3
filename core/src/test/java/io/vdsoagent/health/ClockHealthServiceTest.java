package io.vdsoagent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.base.Probed;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.testing.Fixtures;
import io.vdsoagent.testing.Fixtures.ScriptedDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClockHealthServiceTest {

    @Test
    void probesOnStartRefreshesOnItsOwnThreadAndCloseStopsIt() throws Exception {
        AtomicReference<HostFacts> host = new AtomicReference<>(Fixtures.host("tsc", "tsc"));
        ScriptedDetector seccomp = new ScriptedDetector("seccomp").set(Verdict.VDSO, ClockId.MONOTONIC);
        CountDownLatch reprobed = new CountDownLatch(2);
        List<String> threads = new ArrayList<>();
        ClockHealthService service = ClockHealthService.builder()
                .prober(Fixtures.prober(host, seccomp))
                .clocksource(() -> Probed.unknown("not read in this test"))
                .refresh(100, 100)
                .listener((before, after, changed) -> {
                    synchronized (threads) {
                        threads.add(Thread.currentThread().getName());
                    }
                    reprobed.countDown();
                })
                .start();
        try {
            assertEquals(Verdict.VDSO, service.current().clock(ClockId.MONOTONIC).verdict());
            assertTrue(reprobed.await(30, TimeUnit.SECONDS), "two scheduled re-probes");
            synchronized (threads) {
                assertEquals(ClockHealthService.REFRESH_THREAD + "-1", threads.get(0));
            }
        } finally {
            service.close();
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(ClockHealthService.REFRESH_THREAD)) {
                t.join(10_000);
                assertTrue(!t.isAlive(), t.getName() + " still runs after close()");
            }
        }
        assertEquals(0, service.refreshFailures());
    }
}
