package io.vdsoagent.detect;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.JulSilence;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the proof in a short-lived process of its own: the same {@code java} as this JVM, with small
 * fixed flags, runs {@link SeccompProofMain} (or the agent jar's {@code seccomp-proof} command), which
 * uses {@link ThreadSeccompRunner} and prints one {@link SeccompResult} line.
 *
 * <p>Why a process: an application thread's {@code seccomp(SECCOMP_FILTER_FLAG_TSYNC)} fails with the id
 * of any thread of its thread group whose filter is not an ancestor of its own; a filtered thread of
 * ours in the application's process is such a thread for as long as it lives. Another process is
 * another thread group, and the vDSO (and the clocksource it reads) is the same kernel's for every
 * process. The child inherits no agent, no options file and no preloaded library of the application's
 * (JAVA_TOOL_OPTIONS and friends, CLASSPATH, LD_PRELOAD are removed), works in the temp directory,
 * writes no perf data and cannot be attached to.
 */
public final class ProcessSeccompRunner implements SeccompRunner {
    /** Fixed, small, understood by JDK 8 to 25 (and ignored where not). */
    static final List<String> JVM_FLAGS = Collections.unmodifiableList(Arrays.asList(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "-Xms4m", "-Xmx16m", "-Xss512k",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=8m",
            "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-Xshare:auto"));
    /** Read by every JVM or the dynamic loader; none of them is the proof's business. */
    static final List<String> DROPPED_ENV = Collections.unmodifiableList(Arrays.asList(
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH", "LD_PRELOAD"));
    /** The child's output is one line; more is a JVM talking, and only the start of it is worth keeping. */
    private static final int OUTPUT_CAP = 16 * 1024;
    private static final String PROCESS_BUILDER_LOGGER = "java.lang.ProcessBuilder";

    /** The proof JVM's peak RSS is 46-52 MiB (BENCHMARKS.md); it needs this much room under a memory limit. */
    static final long NEEDED_BYTES = 64L << 20;
    /** Limits at or above this are "no limit" (cgroup v1 writes 2^63 rounded to a page). */
    private static final long NO_LIMIT = 1L << 62;
    /** USER_HZ: 100 on every Linux architecture (and in gVisor). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final List<String> command;
    private final long timeoutMillis;
    private final Path root;

    /** @param command the whole command but the clock ids, which are appended */
    public ProcessSeccompRunner(List<String> command, long timeoutMillis) {
        this(command, timeoutMillis, Paths.get("/"));
    }

    /** @param root where /proc and /sys are (a fixture tree in tests) */
    ProcessSeccompRunner(List<String> command, long timeoutMillis, Path root) {
        this.command = Collections.unmodifiableList(new ArrayList<>(command));
        this.timeoutMillis = timeoutMillis;
        this.root = root;
    }

    /** The agent jar's {@code seccomp-proof} command, native access from {@code nativeDir} (or null). */
    public static ProcessSeccompRunner agentJar(File jar, String nativeDir, long timeoutMillis) {
        List<String> c = javaCommand();
        c.add("-jar");
        c.add(jar.getAbsolutePath());
        c.add("seccomp-proof");
        addNativeDir(c, nativeDir);
        return new ProcessSeccompRunner(c, timeoutMillis);
    }

    /** {@link SeccompProofMain} on this JVM's class path (core used as a library). */
    public static ProcessSeccompRunner classPath(long timeoutMillis) {
        List<String> c = javaCommand();
        c.add("-cp");
        c.add(System.getProperty("java.class.path", ""));
        c.add(SeccompProofMain.class.getName());
        return new ProcessSeccompRunner(c, timeoutMillis);
    }

    private static void addNativeDir(List<String> c, String nativeDir) {
        if (nativeDir != null && !nativeDir.isEmpty()) {
            c.add(SeccompProofMain.NATIVE_DIR_OPTION + nativeDir);
        }
    }

    /** This JVM's own launcher and the child's flags. */
    static List<String> javaCommand() {
        List<String> c = new ArrayList<>();
        c.add(new File(new File(System.getProperty("java.home"), "bin"), "java").getPath());
        c.addAll(JVM_FLAGS);
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null) {
            c.add("-Djava.io.tmpdir=" + tmp);
        }
        return c;
    }

    List<String> command() {
        return command;
    }

    @Override
    public SeccompResult run(int[] clockIds) throws InterruptedException {
        String noRoom = memoryShortfall(root);
        if (noRoom != null) {
            // The application's memory comes first: a failure, so the next probe looks again.
            return SeccompResult.failed(noRoom);
        }
        List<String> c = new ArrayList<>(command);
        for (int id : clockIds) {
            c.add(Integer.toString(id));
        }
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
        scrub(pb.environment());
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null && new File(tmp).isDirectory()) {
            pb.directory(new File(tmp)); // a crashing JVM writes its hs_err file here, not in the app's directory
        }
        long children0 = childrenCpuTicks(root);
        Process p;
        // JDK 24+ log every start to the application's JUL (java.lang.ProcessBuilder, FINER).
        JulSilence quiet = JulSilence.of(PROCESS_BUILDER_LOGGER);
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            return SeccompResult.failed("cannot start the proof process: " + Failures.describe(e));
        } finally {
            JulSilence.end(quiet);
        }
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return SeccompResult.failed("the proof process did not finish within " + timeoutMillis + " ms");
            }
            String output = read(p.getInputStream());
            for (String line : output.split("\n")) {
                SeccompResult r = SeccompResult.parse(line.trim(), clockIds.length);
                if (r != null) {
                    return r;
                }
            }
            return SeccompResult.failed("the proof process exited with " + p.exitValue() + " and no answer"
                    + (output.trim().isEmpty() ? "" : ": " + firstLine(output)));
        } catch (IOException e) {
            return SeccompResult.failed("reading the proof process failed: " + Failures.describe(e));
        } finally {
            p.destroyForcibly();
            closeQuietly(p);
            recordChildCpu(children0);
        }
    }

    /**
     * The proof process's CPU joins the probe's figure: what a reaped child cost this process's children
     * (cutime + cstime of /proc/self/stat, clock ticks of 10 ms). A child of the application's reaped
     * meanwhile would count too; unknown when the child was not reaped yet (a timeout).
     */
    private void recordChildCpu(long children0) {
        long children1 = childrenCpuTicks(root);
        if (children0 >= 0 && children1 > children0) {
            ProbeThreads.recordChildren((children1 - children0) * NANOS_PER_TICK);
        }
    }

    static long childrenCpuTicks(Path root) {
        try {
            String stat = new String(Files.readAllBytes(root.resolve("proc/self/stat")), StandardCharsets.US_ASCII);
            // After "pid (comm) " (comm may hold spaces and parentheses): state is field 3, cutime 16, cstime 17.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Null when this process's memory cgroup (v2 or v1) has room for the proof process or no limit;
     * otherwise why not. Unreadable files mean no known limit.
     */
    static String memoryShortfall(Path root) {
        try {
            for (String line : Files.readAllLines(root.resolve("proc/self/cgroup"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                Path dir;
                String limitFile;
                String usageFile;
                if ("0".equals(f[0]) && f[1].isEmpty()) {
                    dir = root.resolve("sys/fs/cgroup");
                    limitFile = "memory.max";
                    usageFile = "memory.current";
                } else if (Arrays.asList(f[1].split(",")).contains("memory")) {
                    dir = root.resolve("sys/fs/cgroup/memory");
                    limitFile = "memory.limit_in_bytes";
                    usageFile = "memory.usage_in_bytes";
                } else {
                    continue;
                }
                Path own = dir.resolve(f[2].startsWith("/") ? f[2].substring(1) : f[2]);
                Path at = Files.isRegularFile(own.resolve(limitFile)) ? own : dir; // a cgroup namespace: its root
                if (!Files.isRegularFile(at.resolve(limitFile))) {
                    continue;
                }
                String limitText = firstLine(new String(Files.readAllBytes(at.resolve(limitFile)), StandardCharsets.US_ASCII));
                if ("max".equals(limitText) || Long.parseLong(limitText) >= NO_LIMIT) {
                    continue;
                }
                long limit = Long.parseLong(limitText);
                long usage = Long.parseLong(firstLine(new String(Files.readAllBytes(at.resolve(usageFile)),
                        StandardCharsets.US_ASCII)));
                if (limit - usage < NEEDED_BYTES) {
                    return "no room for the proof process under the memory limit (" + ((limit - usage) >> 20)
                            + " MiB of " + (limit >> 20) + " MiB free, it needs " + (NEEDED_BYTES >> 20) + " MiB)";
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // no cgroup facts: no known limit
        }
        return null;
    }

    /** Removes what would load an agent, a library or a class path of the application's into the child. */
    static void scrub(Map<String, String> env) {
        for (String name : DROPPED_ENV) {
            env.remove(name);
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while (out.size() < OUTPUT_CAP && (n = in.read(buf)) > 0) {
            out.write(buf, 0, Math.min(n, OUTPUT_CAP - out.size()));
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String firstLine(String s) {
        String t = s.trim();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).trim();
    }

    private static void closeQuietly(Process p) {
        try {
            p.getInputStream().close();
        } catch (IOException ignored) {
            // Nothing left to read; the process is gone.
        }
    }
}
