package agentit;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A JUL handler the application installs on the root logger (through java.util.logging.config.file) as a
 * JUL-to-slf4j bridge would: every record any code in the JVM logs through JUL, at any level, lands here.
 */
public final class JulCounter extends Handler {
    static final List<String> RECORDS = new ArrayList<String>();

    @Override
    public void publish(LogRecord record) {
        synchronized (RECORDS) {
            RECORDS.add(record.getLoggerName() + ": " + record.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Waits for a line on stdin, then prints every JUL record seen while the agent started and served. */
    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").getHandlers(); // make sure JUL is configured
        System.out.println("app up");
        System.out.flush();
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        synchronized (RECORDS) {
            System.out.println("jul records: " + RECORDS.size());
            for (String r : RECORDS) {
                System.out.println("jul: " + r);
            }
        }
    }
}
