package io.vdsoagent.agent.log;

import java.io.PrintStream;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One line per event on stderr, prefixed {@code vdso-agent: } so an operator can tell our lines from the
 * application's. Stack traces only at debug level: at info an agent problem is one line.
 */
final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "vdso-agent: ";

    /**
     * A library's info line is not the agent's one line: it shows at debug (Micrometer's OTLP registry
     * announces "Publishing metrics ... to <url>" at info, and the URL may carry a token).
     */
    private final Level infoLevel;

    StderrLogger(String name) {
        this.name = name;
        this.infoLevel = name.startsWith("io.vdsoagent.") ? Level.INFO : Level.DEBUG;
    }

    @Override
    public boolean isTraceEnabled() {
        return AgentLogLevel.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return AgentLogLevel.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return AgentLogLevel.enabled(infoLevel);
    }

    @Override
    public boolean isWarnEnabled() {
        return AgentLogLevel.enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return AgentLogLevel.enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                                               Object[] arguments, Throwable throwable) {
        StringBuilder line = new StringBuilder(PREFIX);
        if (level == Level.DEBUG || level == Level.TRACE) {
            line.append(level.name().toLowerCase()).append(' ').append(shortName()).append(": ");
        }
        line.append(MessageFormatter.basicArrayFormat(messagePattern, arguments));
        boolean stackTrace = throwable != null && AgentLogLevel.enabled(Level.DEBUG);
        if (throwable != null && !stackTrace) {
            line.append(": ").append(throwable);
        }
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
            if (stackTrace) {
                throwable.printStackTrace(err);
            }
        }
    }

    private String shortName() {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
