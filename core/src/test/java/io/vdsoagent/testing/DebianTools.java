package io.vdsoagent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** For *E2E tests: find a Debian tool or fail naming the package; run commands and capture output. */
public final class DebianTools {
    private DebianTools() {
    }

    /** The tool's path; fails the test with "install Debian package X" when it is missing. */
    public static String require(String tool, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        fail(tool + " not found: install Debian package " + debianPackage);
        return null;
    }

    /** Exit code and combined stdout+stderr of a command, with stdin from a file (or none). */
    public static final class Result {
        public final int exitCode;
        public final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }

    public static Result run(File stdin, String... command) throws IOException, InterruptedException {
        return run(stdin, Arrays.asList(command));
    }

    public static Result run(File stdin, List<String> command) throws IOException, InterruptedException {
        return run(stdin, java.util.Collections.<String, String>emptyMap(), command);
    }

    public static Result run(File stdin, java.util.Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        return run(stdin, env, null, 300, command);
    }

    /** In {@code workingDir}; fails the test when it has not exited {@code timeoutSeconds} after its output ended. */
    public static Result run(List<String> command, java.nio.file.Path workingDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(null, java.util.Collections.<String, String>emptyMap(), workingDir.toFile(), timeoutSeconds, command);
    }

    private static Result run(File stdin, java.util.Map<String, String> env, File workingDir, long timeoutSeconds,
                              List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(workingDir);
        pb.environment().putAll(env);
        if (stdin != null) {
            pb.redirectInput(stdin);
        }
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out.toByteArray(), "UTF-8"));
    }
}
