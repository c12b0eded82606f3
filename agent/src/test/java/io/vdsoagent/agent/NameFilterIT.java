package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code ?name[]=} on the packaged agent in a real JVM: exactly the families asked for, in the text and the
 * OpenMetrics format (the Prometheus client's own filter, a prefix test, also returned {@code vdso_info}
 * for {@code vdso_clock_fallback}).
 */
class NameFilterIT {
    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    @Test
    void returnsExactlyTheNamedFamilies() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (AgentJvm child = AgentJvm.start(Collections.singletonList(AgentJvm.agentArg("127.0.0.1:" + port + ",instrument=false")),
                AgentJvm.testClasses(), "agentit.SleepyApp", "stdin")) {
            assertEquals(port, child.awaitReadyPort());
            List<String> all = families(AgentJvm.get(port, "/metrics", null).body);
            assertTrue(all.contains("vdso_info gauge") && all.contains("vdso_clock_fallback gauge"), all.toString());
            assertEquals(Arrays.asList("vdso_clock_fallback gauge"),
                    families(AgentJvm.get(port, "/metrics?name[]=vdso_clock_fallback", null).body));
            assertEquals(Arrays.asList("vdso_clock_fallback gauge"),
                    families(AgentJvm.get(port, "/metrics?name[]=vdso_clock_fallback", OPEN_METRICS).body));
            assertEquals(Arrays.asList("vdso_info gauge"), families(AgentJvm.get(port, "/metrics?name[]=vdso_info", null).body));
            assertEquals(Arrays.asList("vdso_clock_fallback gauge", "vdso_agent_build_info gauge"),
                    families(AgentJvm.get(port, "/metrics?name[]=vdso_agent_build_info&name[]=vdso_clock_fallback", null).body));
        }
    }

    /** The {@code # TYPE} lines: the families an exposition holds, as a scraper reads them (sorted, descending). */
    private static List<String> families(String exposition) {
        return Arrays.stream(exposition.split("\n")).filter(l -> l.startsWith("# TYPE ")).map(l -> l.substring(7))
                .sorted(Collections.reverseOrder()).collect(Collectors.toList());
    }
}
