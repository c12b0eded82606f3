package io.vdsoagent.agent;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.instrument.Instrumentation;

/**
 * The one place the agent meets the clock-call instrumentation ({@code io.vdsoagent.agent.instrument}):
 * its metrics binder and the top call sites for /report and the CLI.
 */
final class ClockCallHook {
    private ClockCallHook() {
    }

    /**
     * INSTRUMENT HOOK (single call site): becomes
     * {@code ClockCallInstrumentation.install(inst, settingsFrom(config))} once the
     * {@code agent.instrument} package is merged into this branch.
     */
    static ClockCallHook install(Instrumentation inst, AgentConfig config) {
        return new ClockCallHook();
    }

    void bindTo(MeterRegistry registry) {
    }

    /** JSON array of the top call sites, or null when nothing is instrumented. */
    String topSitesJson(int n) {
        return null;
    }
}
