package io.vdsoagent.base;

import java.lang.reflect.InvocationTargetException;

/** The one way to name a failure in a reason or a log line. */
public final class Failures {
    private Failures() {
    }

    /**
     * {@code SimpleName: message} (or just the name when there is no message), after unwrapping the
     * reflection and class-initialisation wrappers that hide the real cause.
     */
    public static String describe(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof InvocationTargetException || cause instanceof ExceptionInInitializerError)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        String type = cause.getClass().getSimpleName();
        return message == null || message.isEmpty() ? type : type + ": " + message;
    }
}
