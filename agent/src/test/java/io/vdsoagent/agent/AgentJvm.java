package io.vdsoagent.agent;

import io.vdsoagent.testing.ChildJvms;
import io.vdsoagent.testing.Streams;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A child JVM for the integration tests, started with the same java as the tests (so running the suite
 * on JDK 25 tests JDK 25), its stdout and stderr captured to files.
 */
final class AgentJvm implements AutoCloseable {

    final Process process;
    private final Path out;
    private final Path err;

    private AgentJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static File agentJar() {
        return ChildJvms.agentJar();
    }

    static String java() {
        return ChildJvms.java();
    }

    static String testClasses() {
        return ChildJvms.testClasses();
    }

    static int javaFeature() {
        return ChildJvms.javaFeature();
    }

    /** {@code java <jvmArgs> -cp <classPath> <main> <args>}. */
    static AgentJvm start(List<String> jvmArgs, String classPath, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(main);
        command.addAll(Arrays.asList(args));
        return start(command);
    }

    static AgentJvm start(List<String> command) throws IOException {
        return start(command, null);
    }

    /** @param workingDirectory the child's working directory, null for ours */
    static AgentJvm start(List<String> command, File workingDirectory) throws IOException {
        return start(command, workingDirectory, java.util.Collections.<String, String>emptyMap());
    }

    /** @param env variables added to (or replacing) the child's inherited environment */
    static AgentJvm start(List<String> command, File workingDirectory, java.util.Map<String, String> env) throws IOException {
        Path out = Files.createTempFile("agent-it-", ".out");
        Path err = Files.createTempFile("agent-it-", ".err");
        return new AgentJvm(ChildJvms.start(command, workingDirectory, env, out, err, false), out, err);
    }

    static String agentArg(String args) {
        return ChildJvms.agentArg(args);
    }

    /** Closes the child's stdin: an app waiting on it ({@code SleepyApp stdin}) returns from main. */
    void release() throws IOException {
        process.getOutputStream().close();
    }

    long pid() {
        return process.pid();
    }

    String stdout() throws IOException {
        return new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
    }

    List<String> agentLines() throws IOException {
        return Arrays.stream(stderr().split("\n")).filter(l -> l.startsWith("vdso-agent: ")).collect(Collectors.toList());
    }

    /** Waits until stdout contains {@code text} (the app reached that point). */
    void awaitStdout(String text, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!stdout().contains(text)) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                fail("no [" + text + "] on stdout within " + timeoutMillis + " ms; stdout:\n" + stdout()
                        + "\nstderr:\n" + stderr());
            }
            Thread.sleep(20);
        }
    }

    /** Waits until stderr matches; returns the match. */
    Matcher awaitStderr(Pattern pattern, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = pattern.matcher(stderr());
            if (m.find()) {
                return m;
            }
            Thread.sleep(50);
        }
        fail("no [" + pattern + "] on stderr within " + timeoutMillis + " ms; stderr:\n" + stderr() + "\nstdout:\n" + stdout());
        return null;
    }

    /**
     * The ready line comes after start-delay=auto (up to 30 s when the JVM never goes quiet, as on a
     * loaded CI host) and the first probe with its proof JVM.
     */
    int awaitReadyPort() throws Exception {
        return Integer.parseInt(awaitStderr(ChildJvms.READY_PORT, 90_000).group(1));
    }

    int awaitExit(long timeoutSeconds) throws Exception {
        assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS),
                "child JVM still running after " + timeoutSeconds + " s; stderr:\n" + stderr());
        return process.exitValue();
    }

    /** Lines on stderr that are neither ours nor the one JDK warning we cannot avoid (see agent README). */
    List<String> foreignStderrLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : stderr().split("\n")) {
            if (line.isEmpty() || line.startsWith("vdso-agent: ") || ChildJvms.isNativeAccessWarning(line)) {
                continue;
            }
            lines.add(line);
        }
        return lines;
    }

    /** SIGTERM, as systemd or the kubelet stop a process. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    static Response get(int port, String path, String accept) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        if (accept != null) {
            c.setRequestProperty("Accept", accept);
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : Streams.readUtf8(in);
        return new Response(status, c.getContentType(), body);
    }

    static final class Response {
        final int status;
        final String contentType;
        final String body;

        Response(int status, String contentType, String body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        /** The value of the first sample line starting with {@code series} (name plus labels). */
        double sample(String series) {
            for (String line : body.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
                }
            }
            fail("no sample [" + series + "] in:\n" + body);
            return Double.NaN;
        }
    }
}
