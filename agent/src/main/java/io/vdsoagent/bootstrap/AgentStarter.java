package io.vdsoagent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off from {@link AgentBootstrap} (system class loader, JDK only) to the real agent inside
 * {@link AgentClassLoader}. The implementation is loaded there by name and called once, on the
 * {@code vdso-agent} thread; it must never throw. This interface and {@link Launch} live in the system
 * loader, to which AgentClassLoader delegates the bootstrap package, so both sides see the same types.
 */
public interface AgentStarter {
    /** The class implementing this interface, with a public no-argument constructor. */
    String IMPLEMENTATION = "io.vdsoagent.agent.VdsoAgentStarter";

    void start(Launch launch);

    /** What premain/agentmain knew when it handed over. */
    final class Launch {
        private final String agentArgs;
        private final Instrumentation instrumentation;
        private final boolean fromPremain;
        private final File agentJar;
        private final long enteredNanos;
        private final AtomicLong premainNanos;

        Launch(String agentArgs, Instrumentation instrumentation, boolean fromPremain, File agentJar,
               long enteredNanos, AtomicLong premainNanos) {
            this.agentArgs = agentArgs;
            this.instrumentation = instrumentation;
            this.fromPremain = fromPremain;
            this.agentJar = agentJar;
            this.enteredNanos = enteredNanos;
            this.premainNanos = premainNanos;
        }

        /** The string after {@code -javaagent:vdso-agent.jar=}, or null. */
        public String agentArgs() {
            return agentArgs;
        }

        public Instrumentation instrumentation() {
            return instrumentation;
        }

        /** true from premain, false from a runtime attach (agentmain). */
        public boolean fromPremain() {
            return fromPremain;
        }

        public File agentJar() {
            return agentJar;
        }

        /** {@link System#nanoTime()} when premain/agentmain was entered: start-up is measured from here. */
        public long enteredNanos() {
            return enteredNanos;
        }

        /** Time spent inside premain/agentmain, or -1 while it has not returned yet. */
        public long premainNanos() {
            return premainNanos.get();
        }
    }
}
