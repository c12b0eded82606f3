import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Launch -> first HTTP 200 from /metrics with the agent's metrics (not its "vdso_agent_starting 1"
 * answer while it defers its start): starts the command, polls the URL every 5 ms from the
 * moment the process is spawned, prints the elapsed milliseconds, then stops the process.
 *
 * Usage: FirstScrape <url> <timeoutMillis> <logFile> <command...>
 * Prints "first_scrape_ms <ms>" on success; exit 1 with a message on timeout. With
 * -Dbench.body=FILE the body of that first answer is saved (the agent's own premain gauge is in it).
 */
public final class FirstScrape {
    private FirstScrape() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FirstScrape <url> <timeoutMillis> <logFile> <command...>");
            System.exit(2);
        }
        URL url = new URL(args[0]);
        String bodyFile = System.getProperty("bench.body");
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
        List<String> command = Arrays.asList(args).subList(3, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(args[2])));
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            while (System.nanoTime() - t0 < timeoutNanos) {
                byte[] body = answer200(url);
                if (body != null) {
                    System.out.printf(java.util.Locale.ROOT, "first_scrape_ms %.1f%n",
                            (System.nanoTime() - t0) / 1e6);
                    if (bodyFile != null) {
                        Files.write(Paths.get(bodyFile), body);
                    }
                    return;
                }
                if (!p.isAlive()) {
                    System.err.println("FirstScrape: process exited with " + p.exitValue() + " before " + url
                            + " answered; see " + args[2]);
                    System.exit(1);
                }
                Thread.sleep(5);
            }
            System.err.println("FirstScrape: no 200 from " + url + " within " + args[1] + " ms; see " + args[2]);
            System.exit(1);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** The complete body of a 200 answer; null if not listening yet or another status. */
    private static byte[] answer200(URL url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(10000);
            int code = c.getResponseCode();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try (InputStream in = code == 200 ? c.getInputStream() : c.getErrorStream()) {
                for (int n; in != null && (n = in.read(buf)) >= 0; ) {
                    body.write(buf, 0, n); // the whole answer: the first scrape must be complete
                }
            }
            c.disconnect();
            // While the agent lets the JVM's start go first, /metrics answers 200 with this one series:
            // not yet the first scrape of its metrics.
            boolean starting = new String(body.toByteArray(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("vdso_agent_starting 1");
            return code == 200 && !starting ? body.toByteArray() : null;
        } catch (IOException notYet) {
            return null;
        }
    }
}
