package io.vdsoagent.agent;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.EndpointConfig;
import io.vdsoagent.agent.config.StartDelay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent-level owner, started in this JVM: what it starts, it stops; what its gauges read, it keeps. */
class RunningAgentTest {
    private static final Map<String, String> NONE = Collections.emptyMap();

    private static RunningAgent start(long premainNanos) {
        AgentArguments config = AgentArguments.parse(
                "host=127.0.0.1,port=0,instrument=false,detectors=clocksource,interval=1s,clocksource-poll=100ms",
                NONE, NONE);
        assertEquals(Collections.emptyList(), config.problems());
        return RunningAgent.start(config, null, new RunningAgent.StartTimes(() -> premainNanos, System.nanoTime()));
    }

    @Test
    void closeStopsEveryThreadTheAgentStarted() throws Exception {
        RunningAgent agent = start(1_000_000);
        try {
            // The HTTP workers start on the first request.
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + agent.port() + "/-/healthy")
                    .openConnection();
            try (InputStream in = c.getInputStream()) {
                assertEquals(200, c.getResponseCode());
                while (in.read() >= 0) {
                    // drain
                }
            }
            List<String> running = agentThreadNames();
            assertTrue(running.contains("vdso-agent-refresh-1"), running.toString());
            assertTrue(running.stream().anyMatch(n -> n.startsWith("vdso-agent-http-")), running.toString());
        } finally {
            agent.close();
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (isAgentThread(t)) {
                t.join(10_000);
            }
        }
        assertEquals(Collections.emptyList(), agentThreadNames());
    }

    @Test
    void aStartThatFailsWhileStartingClosesTheEndpointItBound() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        AgentArguments config = AgentArguments.parse("host=127.0.0.1,port=" + port
                + ",instrument=false,detectors=clocksource", NONE, NONE);
        assertEquals(Collections.emptyList(), config.problems());
        IllegalStateException failure = new IllegalStateException("the start failed while the JVM was starting");
        StartPacing failing = new StartPacing(StartDelay.parse("1s"), () -> -1, () -> -1, () -> -1, millis -> {
            // The endpoint is bound and answers "starting" while the agent waits.
            try {
                assertEquals(200, status(port, "/-/healthy"));
            } catch (java.io.IOException e) {
                throw new AssertionError("the endpoint should answer while the agent waits", e);
            }
            throw failure;
        });
        RunningAgent.StartTimes times = new RunningAgent.StartTimes(() -> 1_000_000, System.nanoTime());
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> RunningAgent.start(config,
                EndpointConfig.read(config), null, times, null, () -> null, failing));
        assertSame(failure, thrown);
        // Left open it would answer "starting" for ever and keep Prometheus' up at 1: nothing listens now.
        assertThrows(java.net.ConnectException.class, () -> status(port, "/-/healthy"));
    }

    private static int status(int port, String path) throws java.io.IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    @Test
    void startUpGaugesKeepTheirStateThroughGarbageCollection() {
        RunningAgent agent = start(2_500_000);
        try {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            assertEquals(0.0025, agent.registry().get("vdso.agent.premain").gauge().value(), 1e-12);
            double start = agent.registry().get("vdso.agent.start").gauge().value();
            assertTrue(start > 0 && start < 600, "vdso_agent_start_seconds " + start);
        } finally {
            agent.close();
        }
    }

    private static boolean isAgentThread(Thread t) {
        return t.isAlive() && (t.getName().startsWith("vdso-agent") || t.getName().equals("HTTP-Dispatcher"));
    }

    private static List<String> agentThreadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (isAgentThread(t)) {
                names.add(t.getName());
            }
        }
        Collections.sort(names);
        return names;
    }
}
