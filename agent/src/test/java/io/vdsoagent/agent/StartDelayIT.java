package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * start-delay in a real JVM, watched from outside through /proc: while the agent defers its start the
 * endpoint answers ("starting"; /metrics 200 with only vdso_agent_starting, so Prometheus' up stays 1;
 * /report 503), no child process (the seccomp proof JVM) exists and no refresh thread runs; after the
 * delay the proof process appears and the agent is ready.
 */
class StartDelayIT {
    private static final long DELAY_MILLIS = 3000;

    @Test
    void theEndpointSaysStartingAndTheProofProcessRunsOnlyAfterTheDelay() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long launched = System.nanoTime();
        try (AgentJvm jvm = AgentJvm.start(List.of(AgentJvm.agentArg("host=127.0.0.1,port=" + port
                + ",start-delay=" + DELAY_MILLIS + "ms")), AgentJvm.testClasses(), "agentit.SleepyApp", "stdin")) {
            ProcWatch watch = new ProcWatch(jvm.pid(), launched);
            Thread watcher = new Thread(watch, "proc-watch");
            watcher.setDaemon(true);
            watcher.start();
            try {
                // /-/healthy answers during the deferral
                long firstStarting = -1;
                Answer metricsWhileStarting = null;
                String reportWhileStarting = null;
                long lastStarting = -1;
                long deadline = launched + 20_000_000_000L;
                while (System.nanoTime() < deadline) {
                    Answer healthy = get(port, "/-/healthy");
                    if (healthy != null && healthy.status == 200 && healthy.body.equals("starting\n")) {
                        if (firstStarting < 0) {
                            firstStarting = millisSince(launched);
                            metricsWhileStarting = get(port, "/metrics");
                            Answer report = get(port, "/report");
                            reportWhileStarting = report == null ? "no answer" : report.status + " " + report.retryAfter;
                        }
                        lastStarting = millisSince(launched);
                    } else if (healthy != null && healthy.status == 200) {
                        assertEquals("OK\n", healthy.body);
                        break;
                    }
                    Thread.sleep(20);
                }
                assertTrue(firstStarting >= 0, "/-/healthy never answered \"starting\"; stderr:\n" + jvm.stderr());
                assertTrue(firstStarting < DELAY_MILLIS, "first \"starting\" answer only " + firstStarting + " ms after launch");
                assertNotNull(metricsWhileStarting, "/metrics did not answer during the deferral");
                assertEquals(200, metricsWhileStarting.status, "/metrics during the deferral: " + metricsWhileStarting.body);
                assertEquals(List.of("vdso_agent_starting 1"), samples(metricsWhileStarting.body),
                        "the only series during the deferral");
                assertEquals("503 5", reportWhileStarting, "/report during the deferral");
                int ready = jvm.awaitReadyPort();
                assertEquals(port, ready);
                Answer started = get(port, "/metrics");
                assertNotNull(started, "/metrics after the start");
                assertTrue(started.body.contains("\nvdso_agent_mode_info{"), started.body);
                assertTrue(!started.body.contains("vdso_agent_starting"), "vdso_agent_starting after the start:\n" + started.body);

                watcher.interrupt();
                watcher.join(5000);
                assumeTrue(watch.childrenReadable, "no /proc/<pid>/task/*/children on this kernel (CONFIG_PROC_CHILDREN)");
                // ground truth: the children the kernel lists for the JVM, and its threads' names
                Long proof = null;
                for (Map.Entry<String, Long> child : watch.firstSeen.entrySet()) {
                    assertTrue(child.getValue() >= DELAY_MILLIS, "child " + child.getKey() + " at "
                            + child.getValue() + " ms, within the " + DELAY_MILLIS + " ms delay");
                    if (child.getKey().contains("seccomp-proof")) {
                        proof = child.getValue();
                    }
                }
                assertNotNull(proof, "no seccomp-proof child seen; children: " + watch.firstSeen.keySet());
                assertTrue(proof > lastStarting, "the proof ran at " + proof + " ms while /-/healthy still said starting at "
                        + lastStarting + " ms");
                assertTrue(watch.refreshThread >= DELAY_MILLIS, "vdso-agent-refresh thread seen at " + watch.refreshThread + " ms");
            } finally {
                watcher.interrupt();
                jvm.release();
            }
            assertEquals(0, jvm.awaitExit(30));
        }
    }

    /** The sample lines of a text exposition (no comments, no blank lines). */
    private static List<String> samples(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Samples the JVM's children and thread names every few ms until interrupted. */
    private static final class ProcWatch implements Runnable {
        final long pid;
        final long launched;
        final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
        volatile long refreshThread = -1;
        volatile boolean childrenReadable;

        ProcWatch(long pid, long launched) {
            this.pid = pid;
            this.launched = launched;
        }

        @Override
        public void run() {
            Path tasks = Paths.get("/proc", Long.toString(pid), "task");
            while (!Thread.currentThread().isInterrupted()) {
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
                    List<String> names = new ArrayList<>();
                    for (Path task : dir) {
                        names.add(read(task.resolve("comm")).trim());
                        Path children = task.resolve("children");
                        if (Files.exists(children)) {
                            childrenReadable = true;
                            for (String child : read(children).trim().split("\\s+")) {
                                if (!child.isEmpty()) {
                                    String cmd = read(Paths.get("/proc", child, "cmdline")).replace('\0', ' ');
                                    firstSeen.putIfAbsent(child + " " + cmd, millisSince(launched));
                                }
                            }
                        }
                    }
                    if (names.contains("vdso-agent-refr") && refreshThread < 0) {
                        refreshThread = millisSince(launched);
                    }
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    // a task or child ended between the listing and the read: sample again
                }
            }
        }

        private static String read(Path p) {
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static final class Answer {
        final int status;
        final String body;
        final String retryAfter;

        Answer(int status, String body, String retryAfter) {
            this.status = status;
            this.body = body;
            this.retryAfter = retryAfter;
        }
    }

    private static Answer get(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            int status = c.getResponseCode();
            java.io.InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, body, c.getHeaderField("Retry-After"));
        } catch (IOException e) {
            return null; // not listening yet
        }
    }
}
