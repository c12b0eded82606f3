package io.vdsoagent.base;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A JVM has one java.util.logging LogManager: the application's. Code of ours that logs through it
 * under shared names (jffi's and jnr's classes; the JDK's own {@code java.lang.ProcessBuilder}, which
 * JDK 24+ logs every process start to at FINER) would land in the application's log, with its root
 * logger and handler at ALL. For the moment such code runs, the named loggers are set to OFF and cut
 * from their parents' handlers, then put back exactly as they were (the names are shared: an
 * application's own jffi or its own processes log under them too, so only for that moment).
 */
public final class JulSilence implements AutoCloseable {
    /** Held strongly while silenced: the LogManager keeps loggers only weakly. */
    private final Logger[] loggers;
    private final Level[] levels;
    private final boolean[] useParentHandlers;

    private JulSilence(String[] names) {
        loggers = new Logger[names.length];
        levels = new Level[names.length];
        useParentHandlers = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
            Logger l = Logger.getLogger(names[i]);
            loggers[i] = l;
            levels[i] = l.getLevel();
            useParentHandlers[i] = l.getUseParentHandlers();
            l.setLevel(Level.OFF);
            l.setUseParentHandlers(false);
        }
    }

    /**
     * Silences these loggers (and their children without a level of their own) until {@link #close()};
     * null when that is not possible (no java.logging module, a security manager refusing
     * LoggingPermission).
     */
    public static JulSilence of(String... loggerNames) {
        try {
            return new JulSilence(loggerNames);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Null-tolerant close, for the result of {@link #of}. */
    public static void end(JulSilence silence) {
        if (silence != null) {
            silence.close();
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.length; i++) {
            try {
                if (loggers[i] != null) {
                    loggers[i].setLevel(levels[i]);
                    loggers[i].setUseParentHandlers(useParentHandlers[i]);
                }
            } catch (Throwable ignored) {
                // Put back as far as allowed; our records were silenced either way.
            }
        }
    }
}
