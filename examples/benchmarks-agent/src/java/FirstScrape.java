import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Launch -> first HTTP 200 from /metrics: starts the command, polls the URL every 5 ms from the
 * moment the process is spawned, prints the elapsed milliseconds, then stops the process.
 *
 * Usage: FirstScrape <url> <timeoutMillis> <logFile> <command...>
 * Prints "first_scrape_ms <ms>" on success; exit 1 with a message on timeout.
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
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
        List<String> command = Arrays.asList(args).subList(3, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(args[2])));
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            while (System.nanoTime() - t0 < timeoutNanos) {
                if (answers200(url)) {
                    System.out.printf(java.util.Locale.ROOT, "first_scrape_ms %.1f%n",
                            (System.nanoTime() - t0) / 1e6);
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

    private static boolean answers200(URL url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(10000);
            int code = c.getResponseCode();
            byte[] buf = new byte[8192];
            try (InputStream in = code == 200 ? c.getInputStream() : c.getErrorStream()) {
                while (in != null && in.read(buf) >= 0) {
                    // read the whole answer: the first scrape must be complete, not just started
                }
            }
            c.disconnect();
            return code == 200;
        } catch (IOException notYet) {
            return false;
        }
    }
}
