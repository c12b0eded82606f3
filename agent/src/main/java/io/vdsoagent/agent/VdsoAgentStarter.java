package io.vdsoagent.agent;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.EndpointConfig;
import io.vdsoagent.agent.log.AgentLogLevel;
import io.vdsoagent.bootstrap.AgentStarter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AgentStarter} inside the isolated class loader, called by
 * {@code io.vdsoagent.bootstrap.AgentBootstrap} on the {@code vdso-agent} daemon thread. Reads the
 * configuration, sets up logging and hands over to {@link RunningAgent}. Never throws.
 */
public final class VdsoAgentStarter implements AgentStarter {
    /**
     * The agent, once started: kept here so everything its gauges read stays strongly reachable for the
     * JVM's life (the class is reachable through every thread the agent runs).
     */
    private static volatile RunningAgent running;

    @Override
    public void start(Launch launch) {
        try {
            AgentArguments config = AgentArguments.load(launch.agentArgs());
            AgentLogLevel.set(config.logLevel());
            Logger log = LoggerFactory.getLogger(VdsoAgentStarter.class);
            for (String problem : config.problems()) {
                log.warn(problem);
            }
            String os = System.getProperty("os.name", "");
            if (!os.startsWith("Linux")) {
                // Everything we report is Linux's (auxv, vDSO, sysfs, seccomp): elsewhere, do nothing at all.
                log.info("disabled: not Linux [{}]", os);
                return;
            }
            if (!config.enabled()) {
                log.debug("disabled by enabled=false");
                return;
            }
            log.debug("starting ({}) from {}: {}", launch.fromPremain() ? "premain" : "attach", launch.agentJar(),
                    config);
            log.debug("premain took {} ms", launch.premainNanos() / 1e6);
            // The password and TLS files are part of the configuration: read now, refused like a bad value.
            EndpointConfig endpoint = EndpointConfig.read(config);
            for (String problem : endpoint.problems()) {
                log.warn(problem);
            }
            running = RunningAgent.start(config, endpoint, launch);
        } catch (Throwable t) {
            // The application must not notice: one line, no stack trace at info.
            System.err.println("vdso-agent: not started: " + t);
        }
    }

    /** The running agent, or null (not started, disabled, or failed). */
    static RunningAgent running() {
        return running;
    }
}
