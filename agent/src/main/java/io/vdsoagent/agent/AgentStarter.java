package io.vdsoagent.agent;

import io.vdsoagent.agent.log.AgentLogLevel;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point inside the isolated class loader, called reflectively by
 * {@code io.vdsoagent.bootstrap.AgentBootstrap} on the {@code vdso-agent} daemon thread. Reads the
 * configuration, sets up logging and hands over to {@link RunningAgent}. Never throws.
 */
public final class AgentStarter {
    private AgentStarter() {
    }

    public static void start(String agentArgs, Instrumentation inst, boolean fromPremain,
                             AtomicLong premainNanos, File agentJar) {
        try {
            String tooSmall = Headroom.heapTooSmall(Runtime.getRuntime().maxMemory());
            if (tooSmall != null) {
                System.err.println("vdso-agent: not started: " + tooSmall);
                return;
            }
            AgentConfig config = AgentConfig.load(agentArgs);
            AgentLogLevel.set(config.logLevel());
            Logger log = LoggerFactory.getLogger(AgentStarter.class);
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
            log.debug("starting ({}) from {}: {}", fromPremain ? "premain" : "attach", agentJar, config);
            log.debug("premain took {} ms", premainNanos.get() / 1e6);
            RunningAgent.start(config, inst, premainNanos);
        } catch (Throwable t) {
            // The application must not notice: one line, no stack trace at info.
            System.err.println("vdso-agent: not started: " + t);
        }
    }
}
