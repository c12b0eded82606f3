import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for the H2 TCP server (run-real-apps.py): THREADS connections, each alternating an
 * INSERT and a primary-key SELECT as fast as the server answers. Warms up for WARMUP seconds, then prints
 * "ops/s N" for the next SECONDS seconds. Runs without any agent (only the server is measured).
 *
 *   java -cp h2.jar H2Load.java jdbc:h2:tcp://127.0.0.1:PORT/mem:bench 2 5 10
 */
public final class H2Load {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int threads = Integer.parseInt(args[1]);
        long warmupNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        long measureNanos = Long.parseLong(args[3]) * 1_000_000_000L;
        try (Connection c = DriverManager.getConnection(url + ";DB_CLOSE_DELAY=-1", "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t(id BIGINT PRIMARY KEY, v VARCHAR(64))");
        }
        AtomicLong ops = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        Thread[] workers = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            final long base = (long) w << 40;
            workers[w] = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url, "sa", "");
                     PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES(?, ?)");
                     PreparedStatement select = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
                    long id = base;
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        insert.setLong(1, ++id);
                        insert.setString(2, "value " + id);
                        insert.executeUpdate();
                        select.setLong(1, id);
                        try (ResultSet r = select.executeQuery()) {
                            r.next();
                        }
                        if (now >= measureFrom) {
                            ops.addAndGet(2);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            workers[w].start();
        }
        for (Thread t : workers) {
            t.join();
        }
        System.out.println("ops/s " + ops.get() * 1_000_000_000L / measureNanos);
    }
}
