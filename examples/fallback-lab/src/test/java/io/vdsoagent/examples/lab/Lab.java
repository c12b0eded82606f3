package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    static final Path REPO_DIR = MODULE_DIR.resolve("../..").normalize();
    /** core's C ground truth for the consistency check (libc clock_gettime between two raw syscalls). */
    static final Path CLOCKBRACKET_C = REPO_DIR.resolve("core/src/test/resources/io/vdsoagent/detect/clockbracket.c");

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

    /**
     * A foreign guest's host tools and, where its packages come through the host's apt, apt's architecture.
     * Missing: a failure under the e2e profile (which sets {@code lab.e2e=true}: there they must run), a skip
     * naming the packages elsewhere.
     */
    static void requireTools(GuestArch arch) {
        List<String> missing = new ArrayList<>();
        for (GuestArch.Need need : arch.needs()) {
            if (need.command() != null) {
                requireCommand(need.command(), need.debianPackage(), missing);
            } else if (!Files.isRegularFile(need.file())) {
                missing.add(need.debianPackage());
            }
        }
        String setup = "";
        if (arch.aptForeign() && !foreignArchitectures().contains(arch.debianArch())) {
            setup = "; and apt's " + arch.debianArch() + " architecture: dpkg --add-architecture " + arch.debianArch()
                    + " && apt-get update";
        }
        String problem = missing.isEmpty() && setup.isEmpty() ? null : "the " + arch.name() + " lab needs the Debian package(s) "
                + missing + (missing.isEmpty() ? "" : ": apt-get install -y " + String.join(" ", missing)) + setup;
        if (problem != null && Boolean.getBoolean("lab.e2e")) {
            fail(problem);
        }
        assumeTrue(problem == null, problem);
    }

    private static String foreignArchitectures() {
        try {
            Process dpkg = new ProcessBuilder("dpkg", "--print-foreign-architectures").redirectErrorStream(true).start();
            String out = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return dpkg.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
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
        Path jar = REPO_DIR.resolve("agent/target/vdso-agent.jar");
        if (!Files.isRegularFile(jar)) {
            fail("no agent jar at " + jar + ": build it first (mvn -B -pl agent -am package, or the whole reactor)");
        }
        return jar;
    }

    /** The per-clock ground truth program, compiled on the host for this run (never committed). */
    static Path clockloop() throws IOException, InterruptedException {
        return compileClockloop("gcc", "clockloop");
    }

    /** The same program for a foreign guest, cross-compiled against Debian's glibc of its architecture. */
    static Path clockloop(GuestArch arch) throws IOException, InterruptedException {
        return compileClockloop(arch.tool("gcc"), "clockloop-" + arch.name());
    }

    /** The consistency check's ground truth (core's clockbracket.c) for the x86 guests, which see the host root. */
    static Path clockbracket() throws IOException, InterruptedException {
        return compile("gcc", "clockbracket", CLOCKBRACKET_C);
    }

    /** core's clockbracket.c for a foreign guest, cross-compiled here. */
    static Path clockbracket(GuestArch arch) throws IOException, InterruptedException {
        return compile(arch.tool("gcc"), "clockbracket-" + arch.name(), CLOCKBRACKET_C);
    }

    private static Path compileClockloop(String compiler, String name) throws IOException, InterruptedException {
        return compile(compiler, name, MODULE_DIR.resolve("src/clockloop.c"));
    }

    private static Path compile(String compiler, String name, Path source) throws IOException, InterruptedException {
        Path binary = WORK_DIR.resolve(name);
        Files.createDirectories(WORK_DIR);
        Process gcc = new ProcessBuilder(compiler, "-O2", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            fail(compiler + " could not compile " + source + ":\n" + out);
        }
        return binary;
    }

    /**
     * Boots a guest with {@code clocksource} and runs {@code script} (bash) in it. The guest's stdout,
     * stderr and the wall time are kept under target/lab-logs/{name}.*.
     */
    static LabRun run(String name, String clocksource, Duration timeout, List<String> forwards, String script)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--clocksource", clocksource));
        for (String forward : forwards) {
            options.add("--forward");
            options.add(forward);
        }
        return run(name, clocksource, options, timeout, 60, script);
    }

    /**
     * Boots a foreign guest ({@code lab.sh --arch {arch}}, with its mode option unless {@code mode} is the
     * default) with the repository shared at its own path, and runs {@code script} (bash) in it; logs as for
     * {@link #run}, under {arch}-{mode}.
     */
    static LabRun run(GuestArch arch, String mode, Duration timeout, String script)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--arch", arch.name(), "--share", REPO_DIR.toString()));
        if (!mode.equals(arch.defaultMode())) {
            options.addAll(List.of(arch.modeOption(), mode));
        }
        // The margin covers building the initramfs and root from Debian packages when the cache is empty.
        return run(arch.name() + "-" + mode, arch.name() + "/" + mode, options, timeout, 600, script);
    }

    private static LabRun run(String name, String clocksource, List<String> options, Duration timeout,
            long margin, String script) throws IOException, InterruptedException {
        Files.createDirectories(LOG_DIR);
        List<String> command = new ArrayList<>(List.of(LAB_SH.toString()));
        command.addAll(options);
        command.addAll(List.of("--timeout", Long.toString(timeout.toSeconds()), "--", "bash", "-c", script));
        Path stdout = LOG_DIR.resolve(name + ".stdout");
        Path stderr = LOG_DIR.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(MODULE_DIR.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("LAB_WORK_DIR", WORK_DIR.toString());
        long start = System.nanoTime();
        Process lab = builder.start();
        // lab.sh enforces the timeout itself; the margin covers what it builds before booting.
        if (!lab.waitFor(timeout.toSeconds() + margin, TimeUnit.SECONDS)) {
            lab.destroy();
            lab.waitFor(10, TimeUnit.SECONDS);
            fail("lab.sh did not end " + (timeout.toSeconds() + margin) + " s after start (" + name + ")");
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
