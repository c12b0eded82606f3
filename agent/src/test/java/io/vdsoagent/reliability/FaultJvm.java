package io.vdsoagent.reliability;

import io.vdsoagent.testing.ChildJvms;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real JVM (the java running the tests) with the packaged agent and {@link FaultApp}, and
 * captures what an operator would see: stdout, stderr, exit code. Output goes to files, not pipes,
 * so a chatty child can never block on a full pipe.
 */
final class FaultJvm {
    /** Every line the agent writes starts with this (StderrLogger and the bootstrap). */
    static final String AGENT_PREFIX = ChildJvms.AGENT_PREFIX;

    private final List<String> prefix = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> appArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String mainClass = FaultApp.class.getName();
    private File directory;

    static Path agentJar() {
        return ChildJvms.agentJar().toPath();
    }

    static String java() {
        return ChildJvms.java();
    }

    /** The class path of this test run's compiled test classes (FaultApp lives there). */
    static String testClasses() {
        return ChildJvms.testClasses();
    }

    /** {@code -javaagent:<jar>[=args]}; call twice to load it twice. */
    FaultJvm agent(String args) {
        jvmOptions.add(ChildJvms.agentArg(args == null || args.isEmpty() ? null : args));
        return this;
    }

    FaultJvm jvm(String... options) {
        jvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    /** Runs the JVM through a launcher command, e.g. one that installs a seccomp filter first. */
    FaultJvm launcher(String... command) {
        prefix.addAll(Arrays.asList(command));
        return this;
    }

    /** The child's working directory (default: ours). */
    FaultJvm directory(File dir) {
        directory = dir;
        return this;
    }

    FaultJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** FaultApp's arguments: max ms to wait for the agent's start-up, ms to stay alive, busy threads. */
    FaultJvm app(long waitForAgentMillis, long stayMillis, int busyThreads) {
        return app(waitForAgentMillis, Long.toString(stayMillis), busyThreads);
    }

    /** As above, but the app stays alive until the test creates {@code stopFile}. */
    FaultJvm appUntil(long waitForAgentMillis, Path stopFile, int busyThreads) {
        return app(waitForAgentMillis, "until:" + stopFile.toAbsolutePath(), busyThreads);
    }

    private FaultJvm app(long waitForAgentMillis, String stay, int busyThreads) {
        appArgs.clear();
        appArgs.add(Long.toString(waitForAgentMillis));
        appArgs.add(stay);
        appArgs.add(Integer.toString(busyThreads));
        return this;
    }

    FaultJvm main(String className, String... args) {
        mainClass = className;
        appArgs.clear();
        appArgs.addAll(Arrays.asList(args));
        return this;
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(java());
        String forced = System.getProperty("vdso.it.native");
        if (forced != null && !forced.isEmpty() && !"auto".equals(forced)) {
            cmd.add("-Dvdso.native=" + forced); // both native paths on JDK 22+: -Dvdso.it.native=jnr
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(testClasses());
        cmd.add(mainClass);
        cmd.addAll(appArgs);
        return cmd;
    }

    Running start(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        return new Running(ChildJvms.start(command(), directory, env, out, err, true), out, err, command());
    }

    Result run(Path workDir, long timeoutSeconds) throws IOException, InterruptedException {
        return start(workDir).waitFor(timeoutSeconds);
    }

    /** A child JVM still running. */
    static final class Running {
        final Process process;
        final Path stdout;
        final Path stderr;
        final List<String> command;

        Running(Process process, Path stdout, Path stderr, List<String> command) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.command = command;
        }

        long pid() {
            return process.pid();
        }

        /** stderr so far. */
        List<String> stderrLines() throws IOException {
            return lines(stderr);
        }

        /** Polls stderr until a line contains {@code text}; false on timeout or exit. */
        boolean awaitStderr(String text, long timeoutMillis) throws IOException, InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (System.currentTimeMillis() < deadline) {
                for (String line : stderrLines()) {
                    if (line.contains(text)) {
                        return true;
                    }
                }
                if (!process.isAlive()) {
                    return false;
                }
                Thread.sleep(50);
            }
            return false;
        }

        Result waitFor(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("child JVM did not exit within " + timeoutSeconds + " s: " + command
                        + "\nstderr: " + stderrLines());
            }
            return new Result(process.exitValue(), lines(stdout), lines(stderr), command);
        }

        void kill() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** What the child printed and returned. */
    static final class Result {
        final int exitCode;
        final List<String> stdout;
        final List<String> stderr;
        final List<String> command;

        Result(int exitCode, List<String> stdout, List<String> stderr, List<String> command) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            this.command = command;
        }

        /** The agent's own lines on stderr. */
        List<String> agentLines() {
            List<String> out = new ArrayList<>();
            for (String line : stderr) {
                if (line.startsWith(AGENT_PREFIX)) {
                    out.add(line);
                }
            }
            return out;
        }

        /**
         * stderr lines that are neither the agent's nor FaultApp's own report, nor the JDK 24+
         * native-access warning (JEP 472) that jffi's System.load triggers without
         * --enable-native-access: documented in the agent's README as the one warning it cannot avoid.
         */
        List<String> foreignStderr() {
            List<String> out = new ArrayList<>();
            for (String line : stderr) {
                if (!line.startsWith(AGENT_PREFIX) && !line.startsWith(FaultApp.MAIN_ENTERED) && !line.equals(FaultApp.BUSY_RUNNING)
                        && !isNativeAccessWarning(line)) {
                    out.add(line);
                }
            }
            return out;
        }

        /** How many lines of the JEP 472 warning appeared (0 on JDK 17). */
        int nativeAccessWarningLines() {
            int n = 0;
            for (String line : stderr) {
                if (isNativeAccessWarning(line)) {
                    n++;
                }
            }
            return n;
        }

        /** Milliseconds from JVM start to FaultApp.main, as FaultApp measured it; -1 if absent. */
        long mainEnteredMillis() {
            for (String line : stderr) {
                if (line.startsWith(FaultApp.MAIN_ENTERED)) {
                    return Long.parseLong(line.substring(FaultApp.MAIN_ENTERED.length()).trim());
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout " + stdout + ", stderr " + stderr + ", command " + command;
        }
    }

    /** Tolerated only when the jnr path is forced on JDK 24+ (-Dvdso.it.native=jnr); FFM prints none. */
    static boolean isNativeAccessWarning(String line) {
        return ChildJvms.isNativeAccessWarning(line);
    }

    static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Collections.emptyList();
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }
}
