package agentit;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * An application that logs everything through java.util.logging: its root logger and a root handler at
 * ALL, which prints every record it gets on stdout as {@code JUL <logger> <level> <message>}. It stays up
 * until the agent's start-up thread ({@code vdso-agent}: native access, first probe) has ended, then
 * prints "app done". Args: max ms to wait.
 */
public final class JulApp {
    private JulApp() {
    }

    public static void main(String[] args) throws Exception {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        for (Handler h : root.getHandlers()) {
            h.setLevel(Level.ALL);
        }
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                System.out.println("JUL " + r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        Logger.getLogger("agentit.JulApp").fine("app up");
        long deadline = System.currentTimeMillis() + Long.parseLong(args[0]);
        Thread.sleep(200);
        while (System.currentTimeMillis() < deadline && startupAlive()) {
            Thread.sleep(50);
        }
        System.out.println("app done");
    }

    private static boolean startupAlive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("vdso-agent".equals(t.getName())) {
                return true;
            }
        }
        return false;
    }
}
