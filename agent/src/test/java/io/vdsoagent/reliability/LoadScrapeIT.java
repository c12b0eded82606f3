package io.vdsoagent.reliability;

import io.vdsoagent.testing.ChildJvms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 50 concurrent clients scrape /metrics of a real JVM with the agent, loopback only, while the agent
 * re-probes every second and polls the clocksource every 100 ms: no request may fail, the agent's
 * threads stay the same set, and the heap after a full GC stays flat. Prints throughput and latency
 * percentiles. Duration: 5 s in `mvn verify`; {@code -Dvdso.load.seconds=30} for the full figure.
 */
class LoadScrapeIT {
    private static final int CLIENTS = 50;
    private static final Pattern PORT = ChildJvms.READY_PORT;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** Generous: a full GC of a small heap still moves by a few MiB between runs on a shared box. */
    private static final long MAX_HEAP_GROWTH_BYTES = 16L << 20;

    @Test
    void fiftyClientsScrapeWhileTheAgentReprobes() throws Exception {
        long seconds = Long.getLong("vdso.load.seconds", 5);
        FaultJvm.Running app = new FaultJvm().agent("host=127.0.0.1,port=0,interval=1s,clocksource-poll=100ms")
                .app(30_000, (seconds + 60) * 1000, 0).start(Paths.get("target", "load"));
        try {
            assertTrue(app.awaitStderr("metrics on", 30_000), "agent did not start: " + app.stderrLines());
            String url = "http://127.0.0.1:" + port(app.stderrLines()) + "/metrics";
            long pid = app.pid();
            for (int i = 0; i < 20; i++) { // warm-up: JIT, both HTTP workers started
                scrape(url);
            }
            Map<String, Integer> threadsBefore = agentThreads(pid);
            long heapBefore = heapAfterGc(pid);

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            final AtomicLong errors = new AtomicLong();
            final List<String> firstErrors = new ArrayList<>();
            final long[][] latencies = new long[CLIENTS][];
            Thread[] clients = new Thread[CLIENTS];
            for (int c = 0; c < CLIENTS; c++) {
                final int id = c;
                clients[c] = new Thread(() -> {
                    long[] mine = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        try {
                            scrape(url);
                            if (n < mine.length) {
                                mine[n++] = System.nanoTime() - t0;
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            synchronized (firstErrors) {
                                if (firstErrors.size() < 5) {
                                    firstErrors.add(e.toString());
                                }
                            }
                        }
                    }
                    latencies[id] = Arrays.copyOf(mine, n);
                }, "load-client-" + c);
                clients[c].start();
            }
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(seconds + 60));
            }

            Map<String, Integer> threadsAfter = agentThreads(pid);
            long heapAfter = heapAfterGc(pid);
            long[] all = merge(latencies);
            Arrays.sort(all);
            String figures = String.format("load: %d clients, %d s, %d scrapes, %.0f scrapes/s, errors %d, latency p50 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms; agent threads before %s after %s; heap after full GC %d KiB -> %d KiB",
                    CLIENTS, seconds, all.length, all.length / (double) seconds, errors.get(), pct(all, 50), pct(all, 99),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6, threadsBefore, threadsAfter, heapBefore >> 10,
                    heapAfter >> 10);
            System.out.println(figures);
            Files.write(Paths.get("target", "load-figures.txt"), figures.getBytes(StandardCharsets.UTF_8));

            assertEquals(0, errors.get(), "failed scrapes: " + firstErrors);
            assertTrue(all.length > 0, "no scrape completed");
            assertEquals(threadsBefore, threadsAfter, "the agent's threads must not grow under load");
            assertTrue(heapAfter - heapBefore < MAX_HEAP_GROWTH_BYTES, figures);
        } finally {
            app.kill();
        }
    }

    private static void scrape(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        int status = c.getResponseCode();
        if (status != 200) {
            throw new IOException("HTTP " + status);
        }
        String body = read(c.getInputStream());
        if (!body.contains("vdso_info{")) {
            throw new IOException("scrape without vdso_info");
        }
    }

    /**
     * The agent's threads by name (from /proc, as the kernel sees them), with the short-lived ones left
     * out by design: the per-probe seccomp and rusage threads, and the start-up thread "vdso-agent",
     * which may still be installing the instrumentation when the warm-up scrapes are done.
     */
    private static Map<String, Integer> agentThreads(long pid) throws IOException {
        Map<String, Integer> names = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                String comm;
                try {
                    comm = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.UTF_8).trim();
                } catch (IOException gone) {
                    continue;
                }
                if ((comm.startsWith("vdso-agent") || comm.startsWith("HTTP-Dispatcher"))
                        && !comm.startsWith("vdso-agent-secc") && !comm.startsWith("vdso-agent-rusa")
                        && !comm.equals("vdso-agent")) {
                    Integer n = names.get(comm);
                    names.put(comm, n == null ? 1 : n + 1);
                }
            }
        }
        return names;
    }

    /** Used heap after a full GC, via jcmd (the JDK's own tool, same JDK as the child). */
    private static long heapAfterGc(long pid) throws Exception {
        run(jcmd(), Long.toString(pid), "GC.run");
        String info = run(jcmd(), Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        assertTrue(m.find(), "no 'used NK' in GC.heap_info:\n" + info);
        return Long.parseLong(m.group(1)) << 10;
    }

    private static String jcmd() {
        return Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hung: " + Arrays.toString(cmd));
        assertEquals(0, p.exitValue(), Arrays.toString(cmd) + ": " + out);
        return out;
    }

    private static String port(List<String> stderr) {
        for (String line : stderr) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no port in " + stderr);
    }

    private static long[] merge(long[][] parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p == null ? 0 : p.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] p : parts) {
            if (p != null) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
        }
        return all;
    }

    private static double pct(long[] sorted, int percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static String read(InputStream in) throws IOException {
        try (InputStream s = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = s.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
