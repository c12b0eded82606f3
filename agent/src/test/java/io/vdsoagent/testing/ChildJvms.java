package io.vdsoagent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The one child-JVM harness every agent test builds on (AgentJvm for the agent ITs, FaultJvm for the
 * fault matrix, the ITs' one-shot runs): which java to start (the one running the tests, so a JDK 25 run
 * tests JDK 25), which agent jar and {@code -javaagent} argument, which class path, how the child starts
 * with its output captured, the agent's ready line, and which stderr lines are the JDK's and not ours.
 */
public final class ChildJvms {
    /** Every line the agent writes starts with this (StderrLogger and the bootstrap). */
    public static final String AGENT_PREFIX = "vdso-agent:";
    /** The agent's line once the endpoint listens (first start or a retry); group 1 is the port. */
    public static final Pattern READY_PORT = Pattern.compile("metrics on [^ ]*:(\\d+)");

    private ChildJvms() {
    }

    /** The packaged agent, as failsafe hands it over ({@code vdso.agent.jar}). */
    public static File agentJar() {
        String path = System.getProperty("vdso.agent.jar");
        File jar = path == null ? null : new File(path);
        if (jar == null || !jar.isFile()) {
            fail("the packaged agent jar is missing [" + path + "]: run through failsafe (mvn -pl agent -am verify)");
        }
        return jar.getAbsoluteFile();
    }

    /** {@code -javaagent:<jar>[=args]}. */
    public static String agentArg(String args) {
        return "-javaagent:" + agentJar().getAbsolutePath() + (args == null ? "" : "=" + args);
    }

    /**
     * Starts {@code command} with stdout and stderr going to files (never pipes: a chatty child cannot
     * block on a full one).
     *
     * @param directory the child's working directory, null for ours
     * @param env       variables added to (or replacing) the inherited environment
     * @param noStdin   stdin from /dev/null; else the test holds the child's stdin
     */
    public static Process start(List<String> command, File directory, Map<String, String> env, Path stdout,
            Path stderr, boolean noStdin) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        if (noStdin) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Runs {@code command} to its end, stderr merged into stdout; a child still running after the timeout is killed. */
    public static Finished run(List<String> command, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = Streams.readUtf8(process.getInputStream());
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Finished(false, -1, output);
        }
        return new Finished(true, process.exitValue(), output);
    }

    /** What {@link #run} saw. */
    public static final class Finished {
        /** False: killed at the timeout. */
        public final boolean exited;
        public final int exitCode;
        /** stdout and stderr, interleaved as written. */
        public final String output;

        Finished(boolean exited, int exitCode, String output) {
            this.exited = exited;
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    public static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** The compiled test classes (the child apps live there). */
    public static String testClasses() {
        String dir = System.getProperty("vdso.test-classes");
        return dir != null ? dir : System.getProperty("java.class.path");
    }

    public static int javaFeature() {
        String v = System.getProperty("java.specification.version");
        return v.startsWith("1.") ? 8 : Integer.parseInt(v);
    }

    /**
     * JEP 472 (JDK 24+): only when a test forces the jnr path there (-Dvdso.it.native=jnr); by default
     * JDK 22+ uses FFM from a module granted native access, and no warning is tolerated.
     */
    public static boolean isNativeAccessWarning(String line) {
        return javaFeature() >= 24 && "jnr".equals(System.getProperty("vdso.it.native"))
                && (line.equals("WARNING: A restricted method in java.lang.System has been called")
                || line.startsWith("WARNING: java.lang.System::load has been called by io.vdsoagent.nativeaccess.JffiStub")
                || line.equals("WARNING: Use --enable-native-access=ALL-UNNAMED to avoid a warning for callers in this module")
                || line.equals("WARNING: Restricted methods will be blocked in a future release unless native access is enabled"));
    }
}
