package io.vdsoagent.agent.instrument;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * One instrumented test JVM: Byte Buddy's self-attach gives an Instrumentation (attach mode), and the
 * call-site rewriting is installed once for the {@code clockapp} fixture packages.
 * Every test touching the recorder must call {@link #handle()} first.
 */
final class InstrumentedJvm {

    static final String FIXTURES = "clockapp";
    static final int TOP_SITES = 20;

    private static Instrumentation instrumentation;
    private static ClockCallInstrumentation handle;

    private InstrumentedJvm() {
    }

    static synchronized Instrumentation instrumentation() throws IOException {
        if (instrumentation == null) {
            // The recorders stay in the system loader, next to the fixtures, as in the agent jar (which
            // the JVM puts on the system class path; no Boot-Class-Path, so the application keeps CDS).
            instrumentation = ByteBuddyAgent.install();
        }
        return instrumentation;
    }

    static synchronized ClockCallInstrumentation handle() throws IOException {
        return handle(CountMode.EXACT);
    }

    /** Installs with the given count mode, unless this JVM is instrumented already. */
    static synchronized ClockCallInstrumentation handle(CountMode mode) throws IOException {
        if (handle == null) {
            handle = ClockCallInstrumentation.install(instrumentation(),
                    new InstrumentSettings(true, FIXTURES, "", 1024, TOP_SITES, mode));
            if (!handle.isInstalled()) {
                throw new IllegalStateException("instrumentation not installed: " + handle.notInstalledBecause());
            }
        }
        return handle;
    }
}
