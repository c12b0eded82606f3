package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands in fallback-lab guests through {@code lab.sh}, the same script a user runs by hand.
 * One guest at a time: the CI machine has two cores and TCG emulation uses one fully.
 */
final class Lab {

    /** Module directory: failsafe runs the tests there. */
    static final Path MODULE_DIR = Path.of("").toAbsolutePath();
    static final Path LAB_SH = MODULE_DIR.resolve("lab.sh");
    static final Path WORK_DIR = MODULE_DIR.resolve("target/lab-work");
    static final Path LOG_DIR = MODULE_DIR.resolve("target/lab-logs");

    private Lab() {
    }

    /**
     * Fails (never skips) naming the Debian package when a tool the lab needs is missing.
     */
    static void requireTools() {
        List<String> missing = new ArrayList<>();
        requireCommand("qemu-system-x86_64", "qemu-system-x86", missing);
        requireCommand("strace", "strace", missing);
        requireCommand("gcc", "gcc", missing);
        requireCommand("cpio", "cpio", missing);
        requireCommand("modinfo", "kmod", missing);
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            missing.add("busybox-static");
        }
        if (!hasKernel()) {
            missing.add("linux-image-amd64");
        }
        if (!missing.isEmpty()) {
            fail("the fallback lab needs the Debian package(s) " + missing + ": apt-get install -y "
                    + String.join(" ", missing));
        }
    }

    static void requireCommand(String command, String debianPackage, List<String> missing) {
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        missing.add(debianPackage);
    }

    private static boolean hasKernel() {
        try (var boot = Files.list(Path.of("/boot"))) {
            return boot.anyMatch(p -> p.getFileName().toString().startsWith("vmlinuz-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The agent jar built by the agent module; the guests run it from the host's disk. */
    static Path agentJar() {
        Path jar = MODULE_DIR.resolve("../../agent/target/vdso-agent.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            fail("no agent jar at " + jar + ": build it first (mvn -B -pl agent -am package, or the whole reactor)");
        }
        return jar;
    }

    /** The per-clock ground truth program, compiled on the host for this run (never committed). */
    static Path clockloop() throws IOException, InterruptedException {
        Path binary = WORK_DIR.resolve("clockloop");
        Files.createDirectories(WORK_DIR);
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(),
                MODULE_DIR.resolve("src/clockloop.c").toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            fail("gcc could not compile src/clockloop.c:\n" + out);
        }
        return binary;
    }

    /**
     * Boots a guest with {@code clocksource} and runs {@code script} (bash) in it. The guest's stdout,
     * stderr and the wall time are kept under target/lab-logs/{name}.*.
     */
    static LabRun run(String name, String clocksource, Duration timeout, List<String> forwards, String script)
            throws IOException, InterruptedException {
        Files.createDirectories(LOG_DIR);
        List<String> command = new ArrayList<>(List.of(LAB_SH.toString(),
                "--clocksource", clocksource, "--timeout", Long.toString(timeout.toSeconds())));
        for (String forward : forwards) {
            command.add("--forward");
            command.add(forward);
        }
        command.addAll(List.of("--", "bash", "-c", script));
        Path stdout = LOG_DIR.resolve(name + ".stdout");
        Path stderr = LOG_DIR.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(MODULE_DIR.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("LAB_WORK_DIR", WORK_DIR.toString());
        long start = System.nanoTime();
        Process lab = builder.start();
        // lab.sh enforces the timeout itself; the margin covers building the initramfs.
        if (!lab.waitFor(timeout.toSeconds() + 60, TimeUnit.SECONDS)) {
            lab.destroy();
            lab.waitFor(10, TimeUnit.SECONDS);
            fail("lab.sh did not end " + (timeout.toSeconds() + 60) + " s after start (" + name + ")");
        }
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        LabRun run = new LabRun(name, clocksource, lab.exitValue(), Files.readString(stdout),
                Files.readString(stderr), wallMillis);
        Files.writeString(LOG_DIR.resolve(name + ".wall-ms"), Long.toString(wallMillis));
        if (run.exitCode() == 124 || run.exitCode() == 125) {
            fail("lab.sh failed for " + name + " (exit " + run.exitCode() + "):\n" + run.stderr());
        }
        return run;
    }

    /** Single-quotes a value for bash. */
    static String quote(Object value) {
        return "'" + value.toString().replace("'", "'\\''") + "'";
    }
}
