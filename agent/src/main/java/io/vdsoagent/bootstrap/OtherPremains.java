package io.vdsoagent.bootstrap;

/**
 * With {@code start-delay=auto} the {@code vdso-agent} thread first waits until no agent's premain runs
 * any more, then {@link LaunchGrace}. The JVM calls every {@code -javaagent}'s premain in command-line
 * order on its main thread, before the application's main. An agent listed after ours (OpenTelemetry's
 * premain takes seconds of CPU: it loads thousands of classes, then matches and retransforms every class
 * already loaded) would otherwise run while our class loader, configuration and endpoint load: the two
 * compete for the cores, our classes join the ones it retransforms, and our start-up pacing measures its
 * premain instead of the application's start (issue 28: +27 % start-up with OpenTelemetry after us,
 * +5 % before). Waiting here makes both orders the same: we start after every premain has returned.
 *
 * <p>Read from the main thread's stack (the JVM's premain caller, {@code sun.instrument.InstrumentationImpl},
 * on JDK 8 to 25); a stack that cannot be read ends the wait. JDK only, no logging.
 */
final class OtherPremains {
    static final long POLL_MILLIS = 50;
    /** A premain that never returns blocks the application too; the agent still starts after this. */
    static final long MAX_MILLIS = 60_000;
    static final String PREMAIN_CALLER = "sun.instrument.InstrumentationImpl";

    private OtherPremains() {
    }

    /** Blocks while {@code main} runs some agent's premain, at most {@code maxMillis}; returns the ms waited. */
    static long await(Thread main, long maxMillis) throws InterruptedException {
        long start = System.nanoTime();
        long limit = start + maxMillis * 1_000_000L;
        while (main != null && main.isAlive() && System.nanoTime() - limit < 0) {
            StackTraceElement[] stack = stackOf(main);
            if (stack == null || premainsOver(stack)) {
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return (System.nanoTime() - start) / 1_000_000L;
    }

    /**
     * The main thread runs the application, no premain. An empty stack says nothing: {@code getStackTrace}
     * returns one when the VM could not walk the thread at that moment, so it is asked again (one early
     * start on Temurin 25, during OpenTelemetry's retransformation, looked like that).
     */
    static boolean premainsOver(StackTraceElement[] stack) {
        return stack.length > 0 && !inPremain(stack);
    }

    static boolean inPremain(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (PREMAIN_CALLER.equals(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /** The stack, or null when a security manager denies it (then the wait ends). */
    private static StackTraceElement[] stackOf(Thread thread) {
        try {
            return thread.getStackTrace();
        } catch (RuntimeException deniedBySecurityManager) {
            return null;
        }
    }
}
