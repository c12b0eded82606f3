import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The application the benchmark runs with no agent, with ours and with jmx_exporter. With no
 * system properties it is the trivial main of the start-up figure: it returns at once.
 *
 * bench.sleepMillis: stay alive this long, so the agents' background work (first probe, HTTP
 *   server) happens before the memory is read.
 * bench.scrape: URL fetched once (polled until it answers 200) before sleeping, so each agent has
 *   served one scrape when its memory is read.
 * bench.out: file that receives "key value" lines at the end: peak RSS (VmHWM), heap used after
 *   a full GC, and the premain span between the Stamp agents (see Stamp.java) if they ran.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + Long.getLong("bench.sleepMillis", 0L) * 1_000_000L;
        String scrape = System.getProperty("bench.scrape");
        if (scrape != null) {
            scrapeUntilOk(scrape, deadline);
        }
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left > 0) {
            Thread.sleep(left);
        }
        String out = System.getProperty("bench.out");
        if (out != null) {
            report(out);
        }
    }

    private static void scrapeUntilOk(String url, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(5000);
                int code = c.getResponseCode();
                boolean starting = drain(c); // the agent's answer while it defers its start
                c.disconnect();
                if (code == 200 && !starting) {
                    return;
                }
            } catch (IOException notYet) {
                // server not listening yet: poll again
            }
            Thread.sleep(20);
        }
    }

    /** Reads the body; true when it is the agent's "vdso_agent_starting 1" answer. */
    private static boolean drain(HttpURLConnection c) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (java.io.InputStream in = c.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                body.write(buf, 0, n);
            }
        }
        return new String(body.toByteArray(), "UTF-8").contains("vdso_agent_starting 1");
    }

    private static void report(String file) throws IOException {
        System.gc();
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long nonHeapUsed = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
        try (PrintWriter w = new PrintWriter(file, "UTF-8")) {
            w.println("heap_after_gc_bytes " + heapUsed);
            w.println("nonheap_bytes " + nonHeapUsed);
            w.println("vm_hwm_kib " + statusKib("VmHWM:"));
            w.println("vm_rss_kib " + statusKib("VmRSS:"));
            String a = System.getProperty("bench.stamp.A");
            String b = System.getProperty("bench.stamp.B");
            if (a != null && b != null) {
                w.println("premain_span_nanos " + (Long.parseLong(b) - Long.parseLong(a)));
            }
        }
    }

    private static long statusKib(String key) throws IOException {
        try (BufferedReader r = new BufferedReader(new FileReader("/proc/self/status"))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        }
        return -1;
    }
}
