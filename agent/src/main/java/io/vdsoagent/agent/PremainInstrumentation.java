package io.vdsoagent.agent;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.instrument.ClockCallRewriter;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

/**
 * Called reflectively by {@code bootstrap.ClockCallLoadTime} on the first application class with a clock
 * call (premain mode), before the agent's start-up thread may have parsed its arguments: reads the
 * configuration from the same sources the agent does. Lives in the agent package so that
 * {@code agent.instrument} never depends on the configuration (no package cycle).
 */
public final class PremainInstrumentation {
    private PremainInstrumentation() {
    }

    /** The rewriter, or null when the instrumentation is off (instrument=false, enabled=false, not Linux). */
    public static ClassFileTransformer forPremain(String agentArgs, Instrumentation inst) throws ClassNotFoundException {
        AgentArguments config = AgentArguments.load(agentArgs);
        if (!config.enabled() || !config.instrument() || !System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        return ClockCallRewriter.forAttach(config.instrumentSettings(), inst);
    }
}
