import java.io.BufferedReader;
import java.io.FileReader;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The trivial application of lean.sh (issue 16 figures). Prints one line, lives argv[0] ms (fetching
 * argv[1] once, polled until it answers 200, when given), then prints on stdout "key value" lines only
 * when -Dlean.report=true: heap used before any GC (with a big eden and no TLABs: every byte allocated
 * since launch), metaspace used, heap live after a full GC, and peak RSS (VmHWM).
 */
public final class LeanMain {
    private LeanMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("lean main");
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        if (args.length > 1) {
            scrape(args[1], deadline);
        }
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left > 0) {
            Thread.sleep(left);
        }
        if (!Boolean.getBoolean("lean.report")) {
            return;
        }
        long allocated = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long metaspace = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if ("Metaspace".equals(p.getName())) {
                metaspace = p.getUsage().getUsed();
            }
        }
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("allocated_kib " + allocated / 1024);
        System.out.println("metaspace_kib " + metaspace / 1024);
        System.out.println("live_kib " + live / 1024);
        System.out.println("hwm_kib " + hwm());
    }

    private static void scrape(String url, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(5000);
                int code = c.getResponseCode();
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                try (InputStream in = c.getInputStream()) {
                    byte[] b = new byte[8192];
                    for (int n; (n = in.read(b)) >= 0; ) {
                        body.write(b, 0, n);
                    }
                }
                // the agent's answer while it defers its start is not the scrape being measured
                if (code == 200 && !new String(body.toByteArray(), "UTF-8").contains("vdso_agent_starting 1")) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
    }

    private static long hwm() throws Exception {
        try (BufferedReader r = new BufferedReader(new FileReader("/proc/self/status"))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        }
        return -1;
    }
}
