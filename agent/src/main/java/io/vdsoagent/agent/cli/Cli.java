package io.vdsoagent.agent.cli;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.EndpointConfig;
import io.vdsoagent.agent.BuildInfo;
import io.vdsoagent.agent.config.ConfigKey;
import io.vdsoagent.agent.NodeMode;
import io.vdsoagent.agent.log.AgentLogLevel;
import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.detect.SeccompProofMain;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.JsonReport;
import io.vdsoagent.publish.TextReport;
import io.vdsoagent.source.HostFactsReader;
import io.vdsoagent.source.SystemRoot;
import io.vdsoagent.source.VdsoImage;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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
    /** {@code report --prom FILE} could not write FILE (missing or read-only directory); the old file is untouched. */
    public static final int WRITE_FAILED = 3;
    /** The command the agent's seccomp proof process runs. */
    static final String SECCOMP_PROOF = "seccomp-proof";

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "Usage: java -jar vdso-agent.jar <command>",
            "",
            "Commands:",
            "  report [--json]          probe this machine and print the clock/vDSO report (JSON with --json)",
            "         [--dump-vdso FILE] also write this process's vDSO image (found through AT_SYSINFO_EHDR)",
            "                           to FILE, e.g. for objdump -T FILE",
            "  report --prom FILE       probe once and replace FILE atomically with the metrics, for",
            "                           node_exporter's textfile collector (cron, systemd timer)",
            "  serve [key=value ...]    node mode: the probes and /metrics as a long-running process,",
            "                           no application needed; keys as for -javaagent, e.g. port=9419",
            "  attach <pid> [args]      load the agent into the running JVM <pid>; args as for -javaagent,",
            "                           e.g. port=9419,host=127.0.0.1",
            "  version, --version       print the agent's version, git revision and this JVM's version",
            "  help, --help             this text",
            "",
            "As an agent: java -javaagent:vdso-agent.jar[=[host:]port[:config]|key=value,...] -jar app.jar",
            "",
            "Exit status: 0 ok, 1 probe or attach failed (report --prom still writes FILE), 2 usage error,",
            "3 report --prom could not write FILE (the old file is untouched). serve runs until stopped.",
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
        } else if ("serve".equals(command)) {
            return serve(rest);
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
        Path prom = null;
        String dumpTo = null;
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if ("--json".equals(option)) {
                json = true;
            } else if ("--dump-vdso".equals(option) && i + 1 < options.size() && dumpTo == null) {
                dumpTo = options.get(++i);
            } else if ("--prom".equals(option) && i + 1 < options.size() && prom == null) {
                prom = Paths.get(options.get(++i));
            } else {
                err.println("vdso-agent: unknown option [" + option + "] for report");
                err.print(USAGE_TEXT);
                return USAGE;
            }
        }
        if (json && prom != null) {
            err.println("vdso-agent: report takes --json or --prom FILE, not both");
            return USAGE;
        }
        AgentArguments config = AgentArguments.load(null);
        ClockHealth health;
        String exposition = null;
        try (ClockHealthService service = ClockHealthService.builder().detectors(config.detectors()).start()) {
            health = service.current();
            if (prom != null) {
                exposition = NodeMode.exposition(config, service.monitor());
            }
        }
        if (prom != null) {
            int written = writeProm(prom, exposition, health);
            boolean dumped = dumpTo == null || dumpVdso(dumpTo);
            return written != OK ? written : dumped ? OK : FAILED;
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
        boolean dumped = dumpTo == null || dumpVdso(dumpTo);
        return health.host().vdso().known() && dumped ? OK : FAILED;
    }

    /** The image as mapped (auxv + the ELF's extent, page-rounded): what gdb's {@code dump memory} would write. */
    private boolean dumpVdso(String file) {
        Probed<VdsoImage> image = new HostFactsReader(SystemRoot.live()).vdsoImage();
        if (!image.known()) {
            err.println("vdso-agent: no vDSO image to dump: " + image.reason());
            return false;
        }
        try {
            Files.write(Paths.get(file), image.get().bytes());
            return true;
        } catch (Exception e) {
            err.println("vdso-agent: cannot write the vDSO image to " + file + ": " + Failures.describe(e));
            return false;
        }
    }

    /** The file for node_exporter, written even when the probe is incomplete: a stale file would say more than we know. */
    private int writeProm(Path file, String exposition, ClockHealth health) {
        try {
            PromFile.replace(file, exposition.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println("vdso-agent: cannot write " + file + ": " + PromFile.describe(file, e)
                    + "; the previous file is untouched");
            return WRITE_FAILED;
        }
        return health.host().vdso().known() ? OK : FAILED;
    }

    /**
     * Node mode: runs until the process is stopped (SIGTERM closes the endpoint and the refresh thread
     * through a shutdown hook). Unlike an agent, which keeps the application running on defaults, a bad
     * key or value here stops the start: an operator reads it at once, and no default widens exposure.
     */
    private int serve(List<String> keyValues) {
        for (String keyValue : keyValues) {
            if (keyValue.indexOf('=') < 1) {
                err.println("vdso-agent: serve takes key=value arguments, not [" + keyValue + "]");
                return USAGE;
            }
        }
        AgentArguments config = AgentArguments.load(String.join(",", keyValues));
        if (!config.problems().isEmpty()) {
            for (String problem : config.problems()) {
                err.println("vdso-agent: serve not started: " + problem);
            }
            return USAGE;
        }
        if (!config.enabled()) {
            err.println("vdso-agent: serve not started: enabled=false");
            return OK;
        }
        AgentLogLevel.set(config.logLevel());
        // An unusable password or TLS file is refused as in the agent (endpoint off, read again every
        // clocksource-poll): a Secret mounted after the start still gets the endpoint, never one without it.
        EndpointConfig endpoint = EndpointConfig.read(config);
        for (String problem : endpoint.problems()) {
            err.println("vdso-agent: " + problem);
        }
        final Closeable node = NodeMode.serve(config, endpoint);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException | RuntimeException ignored) {
                // exiting anyway
            }
        }, "vdso-agent-shutdown"));
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OK;
            }
        }
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
