package io.vdsoagent.agent.cli;

import io.vdsoagent.agent.AgentArguments;
import io.vdsoagent.agent.BuildInfo;
import io.vdsoagent.agent.ConfigKey;
import io.vdsoagent.base.Failures;
import io.vdsoagent.detect.SeccompProofMain;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.JsonReport;
import io.vdsoagent.publish.TextReport;
import java.io.File;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * {@code java -jar vdso-agent.jar <command>}: the same probes as the agent, for a human at a shell.
 * Its own process, so it returns an exit status (the bootstrap's main calls System.exit with it).
 */
public final class Cli {
    public static final int OK = 0;
    /** The probe could not run, or the attach failed. */
    public static final int FAILED = 1;
    /** Unknown command or bad arguments. */
    public static final int USAGE = 2;
    /** The command the agent's seccomp proof process runs. */
    static final String SECCOMP_PROOF = "seccomp-proof";

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "Usage: java -jar vdso-agent.jar <command>",
            "",
            "Commands:",
            "  report [--json]          probe this machine and print the clock/vDSO report (JSON with --json)",
            "  attach <pid> [args]      load the agent into the running JVM <pid>; args as for -javaagent,",
            "                           e.g. port=9419,host=127.0.0.1",
            "  version, --version       print the agent's version, git revision and this JVM's version",
            "  help, --help             this text",
            "",
            "As an agent: java -javaagent:vdso-agent.jar[=[host:]port|key=value,...] -jar app.jar",
            "",
            "Exit status: 0 ok, 1 probe or attach failed, 2 usage error.",
            "");

    private final PrintStream out;
    private final PrintStream err;

    Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Called by the bootstrap's main. */
    public static int run(String[] args, File agentJar) {
        return new Cli(System.out, System.err).execute(Arrays.asList(args), agentJar);
    }

    int execute(List<String> args, File agentJar) {
        if (args.isEmpty()) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if ("help".equals(command) || "--help".equals(command) || "-h".equals(command)) {
            out.print(USAGE_TEXT);
            return OK;
        } else if ("version".equals(command) || "--version".equals(command)) {
            out.println(BuildInfo.current().describe());
            return OK;
        } else if ("report".equals(command)) {
            return report(rest);
        } else if ("attach".equals(command)) {
            return attach(rest, agentJar);
        } else if (SECCOMP_PROOF.equals(command)) {
            // Not in the usage text: the agent's own proof process (ProcessSeccompRunner) runs it.
            return SeccompProofMain.run(rest.toArray(new String[0]), out);
        }
        err.println("vdso-agent: unknown command [" + command + "]");
        err.print(USAGE_TEXT);
        return USAGE;
    }

    private int report(List<String> options) {
        boolean json = false;
        for (String option : options) {
            if ("--json".equals(option)) {
                json = true;
            } else {
                err.println("vdso-agent: unknown option [" + option + "] for report");
                err.print(USAGE_TEXT);
                return USAGE;
            }
        }
        AgentArguments config = AgentArguments.load(null);
        ClockHealth health;
        try (ClockHealthService service = ClockHealthService.builder().detectors(config.detectors()).start()) {
            health = service.current();
        }
        // The address is this CLI process's own, randomised per process: no secret of anyone else's, so
        // it is shown by default. An explicit expose-address=false (e.g. set fleet-wide in a container's
        // environment) still hides it: that setting removes the address from every output.
        boolean exposeAddress = explicitlySet(ConfigKey.EXPOSE_ADDRESS) ? config.exposeAddress() : true;
        if (json) {
            out.println(JsonReport.toJson(health, exposeAddress, Collections.<String, String>emptyMap()));
        } else {
            out.print(TextReport.render(health, exposeAddress));
        }
        return health.host().vdso().known() ? OK : FAILED;
    }

    private static boolean explicitlySet(ConfigKey<?> key) {
        return System.getProperty(key.systemProperty()) != null || System.getenv(key.envName()) != null;
    }

    private int attach(List<String> args, File agentJar) {
        if (args.isEmpty() || args.size() > 2 || !args.get(0).matches("\\d+")) {
            err.println("vdso-agent: attach needs a process id and at most one argument string");
            err.print(USAGE_TEXT);
            return USAGE;
        }
        String pid = args.get(0);
        String agentArgs = args.size() == 2 ? args.get(1) : null;
        try {
            Attacher.attach(pid, agentJar, agentArgs);
            out.println("vdso-agent: loaded into JVM " + pid + " (its log line appears on that JVM's stderr)");
            return OK;
        } catch (Attacher.AlreadyLoadedException e) {
            err.println("vdso-agent: attach to " + pid + " refused: " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            err.println("vdso-agent: attach to " + pid + " failed: " + Failures.describe(e));
            return FAILED;
        }
    }
}
