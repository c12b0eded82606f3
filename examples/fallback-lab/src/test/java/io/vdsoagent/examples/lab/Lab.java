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
     * The aarch64 guests' host tools and apt's arm64 architecture. Missing: a failure under the e2e
     * profile (which sets {@code lab.e2e=true}: there they must run), a skip naming the packages elsewhere.
     */
    static void requireAarch64Tools() {
        List<String> missing = new ArrayList<>();
        requireCommand("qemu-system-aarch64", "qemu-system-arm", missing);
        requireCommand("dtc", "device-tree-compiler", missing);
        requireCommand("aarch64-linux-gnu-objdump", "binutils-aarch64-linux-gnu", missing);
        requireCommand("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", missing);
        if (!Files.isRegularFile(Path.of("/usr/aarch64-linux-gnu/include/stdio.h"))) {
            missing.add("libc6-dev-arm64-cross");
        }
        requireCommand("cpio", "cpio", missing);
        requireCommand("modinfo", "kmod", missing);
        requireCommand("xz", "xz-utils", missing);
        String setup = "";
        if (!foreignArchitectures().contains("arm64")) {
            setup = "; and apt's arm64 architecture: dpkg --add-architecture arm64 && apt-get update";
        }
        String problem = missing.isEmpty() && setup.isEmpty() ? null : "the aarch64 lab needs the Debian package(s) "
                + missing + (missing.isEmpty() ? "" : ": apt-get install -y " + String.join(" ", missing)) + setup;
        if (problem != null && Boolean.getBoolean("lab.e2e")) {
            fail(problem);
        }
        assumeTrue(problem == null, problem);
    }

    /**
     * The ppc64le guests' host tools and apt's ppc64el architecture; as {@link #requireAarch64Tools}: a
     * failure under the e2e profile, a skip naming the packages elsewhere.
     */
    static void requirePpc64leTools() {
        List<String> missing = new ArrayList<>();
        requireCommand("qemu-system-ppc64", "qemu-system-ppc", missing);
        requireCommand("powerpc64le-linux-gnu-objdump", "binutils-powerpc64le-linux-gnu", missing);
        requireCommand("powerpc64le-linux-gnu-gcc", "gcc-powerpc64le-linux-gnu", missing);
        if (!Files.isRegularFile(Path.of("/usr/powerpc64le-linux-gnu/include/stdio.h"))) {
            missing.add("libc6-dev-ppc64el-cross");
        }
        requireCommand("cpio", "cpio", missing);
        requireCommand("modinfo", "kmod", missing);
        requireCommand("xz", "xz-utils", missing);
        String setup = "";
        if (!foreignArchitectures().contains("ppc64el")) {
            setup = "; and apt's ppc64el architecture: dpkg --add-architecture ppc64el && apt-get update";
        }
        String problem = missing.isEmpty() && setup.isEmpty() ? null : "the ppc64le lab needs the Debian package(s) "
                + missing + (missing.isEmpty() ? "" : ": apt-get install -y " + String.join(" ", missing)) + setup;
        if (problem != null && Boolean.getBoolean("lab.e2e")) {
            fail(problem);
        }
        assumeTrue(problem == null, problem);
    }

    /**
     * The s390x guests' host tools and apt's s390x architecture; as {@link #requireAarch64Tools}: a failure
     * under the e2e profile, a skip naming the packages elsewhere.
     */
    static void requireS390xTools() {
        List<String> missing = new ArrayList<>();
        requireCommand("qemu-system-s390x", "qemu-system-misc", missing);
        requireCommand("s390x-linux-gnu-objdump", "binutils-s390x-linux-gnu", missing);
        requireCommand("s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu", missing);
        if (!Files.isRegularFile(Path.of("/usr/s390x-linux-gnu/include/stdio.h"))) {
            missing.add("libc6-dev-s390x-cross");
        }
        requireCommand("cpio", "cpio", missing);
        requireCommand("modinfo", "kmod", missing);
        requireCommand("xz", "xz-utils", missing);
        String setup = "";
        if (!foreignArchitectures().contains("s390x")) {
            setup = "; and apt's s390x architecture: dpkg --add-architecture s390x && apt-get update";
        }
        String problem = missing.isEmpty() && setup.isEmpty() ? null : "the s390x lab needs the Debian package(s) "
                + missing + (missing.isEmpty() ? "" : ": apt-get install -y " + String.join(" ", missing)) + setup;
        if (problem != null && Boolean.getBoolean("lab.e2e")) {
            fail(problem);
        }
        assumeTrue(problem == null, problem);
    }

    /**
     * The riscv64 guests' host tools; as {@link #requireAarch64Tools}: a failure under the e2e profile, a skip
     * naming the packages elsewhere. No apt architecture to add: riscv64-assets.sh keeps an apt of its own for
     * Debian 13's riscv64 packages (Debian 12, the host's, has none).
     */
    static void requireRiscv64Tools() {
        List<String> missing = new ArrayList<>();
        requireCommand("qemu-system-riscv64", "qemu-system-misc", missing);
        if (!Files.isRegularFile(Path.of("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin"))) {
            missing.add("qemu-system-data");
        }
        if (!Files.isRegularFile(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"))) {
            missing.add("debian-archive-keyring");
        }
        requireCommand("riscv64-linux-gnu-objdump", "binutils-riscv64-linux-gnu", missing);
        requireCommand("riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu", missing);
        if (!Files.isRegularFile(Path.of("/usr/riscv64-linux-gnu/include/stdio.h"))) {
            missing.add("libc6-dev-riscv64-cross");
        }
        requireCommand("cpio", "cpio", missing);
        requireCommand("modinfo", "kmod", missing);
        requireCommand("xz", "xz-utils", missing);
        String problem = missing.isEmpty() ? null : "the riscv64 lab needs the Debian package(s) " + missing
                + ": apt-get install -y " + String.join(" ", missing);
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

    /** The same program for the aarch64 guests, cross-compiled against Debian's arm64 glibc (as the guest's). */
    static Path clockloopAarch64() throws IOException, InterruptedException {
        return compileClockloop("aarch64-linux-gnu-gcc", "clockloop-aarch64");
    }

    /** clockloop for the ppc64le guests, against Debian's ppc64el glibc (as the guest's). */
    static Path clockloopPpc64le() throws IOException, InterruptedException {
        return compileClockloop("powerpc64le-linux-gnu-gcc", "clockloop-ppc64le");
    }

    /** The consistency check's ground truth (core's clockbracket.c) for the x86 guests, which see the host root. */
    static Path clockbracket() throws IOException, InterruptedException {
        return compile("gcc", "clockbracket", CLOCKBRACKET_C);
    }

    /** The same for the aarch64 guests, against Debian's arm64 glibc. */
    static Path clockbracketAarch64() throws IOException, InterruptedException {
        return compile("aarch64-linux-gnu-gcc", "clockbracket-aarch64", CLOCKBRACKET_C);
    }

    /**
     * The consistency check's ground truth for the ppc64le guests: core's clockbracket.c (libc clock_gettime
     * between two raw syscalls, per clock), cross-compiled here.
     */
    static Path clockbracketPpc64le() throws IOException, InterruptedException {
        return compile("powerpc64le-linux-gnu-gcc", "clockbracket-ppc64le", CLOCKBRACKET_C);
    }

    /** clockloop for the s390x guests, against Debian's s390x glibc (as the guest's). */
    static Path clockloopS390x() throws IOException, InterruptedException {
        return compileClockloop("s390x-linux-gnu-gcc", "clockloop-s390x");
    }

    /** core's clockbracket.c for the s390x guests. */
    static Path clockbracketS390x() throws IOException, InterruptedException {
        return compile("s390x-linux-gnu-gcc", "clockbracket-s390x", CLOCKBRACKET_C);
    }

    /** clockloop for the riscv64 guests, against Debian 12's riscv64 glibc (older than the guest's 13: it runs there). */
    static Path clockloopRiscv64() throws IOException, InterruptedException {
        return compileClockloop("riscv64-linux-gnu-gcc", "clockloop-riscv64");
    }

    /** core's clockbracket.c for the riscv64 guests. */
    static Path clockbracketRiscv64() throws IOException, InterruptedException {
        return compile("riscv64-linux-gnu-gcc", "clockbracket-riscv64", CLOCKBRACKET_C);
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
        return run(name, clocksource, options, timeout, script);
    }

    /**
     * Boots an aarch64 guest ({@code lab.sh --arch aarch64 --timer normal|erratum}) with the repository
     * shared at its own path, and runs {@code script} (bash) in it; logs as for {@link #run}.
     */
    static LabRun runAarch64(String name, String timer, Duration timeout, String script)
            throws IOException, InterruptedException {
        return run(name, "aarch64/" + timer, List.of("--arch", "aarch64", "--timer", timer,
                "--share", REPO_DIR.toString()), timeout, script);
    }

    /**
     * Boots a ppc64le guest ({@code lab.sh --arch ppc64le}, with {@code --clocksource jiffies} unless
     * {@code clocksource} is "timebase", the default) with the repository shared at its own path.
     */
    static LabRun runPpc64le(String name, String clocksource, Duration timeout, String script)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--arch", "ppc64le", "--share", REPO_DIR.toString()));
        if (!clocksource.equals("timebase")) {
            options.addAll(List.of("--clocksource", clocksource));
        }
        return run(name, "ppc64le/" + clocksource, options, timeout, script);
    }

    /**
     * Boots an s390x guest ({@code lab.sh --arch s390x}, with {@code --clocksource jiffies} unless
     * {@code clocksource} is "tod", the default) with the repository shared at its own path.
     */
    static LabRun runS390x(String name, String clocksource, Duration timeout, String script)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--arch", "s390x", "--share", REPO_DIR.toString()));
        if (!clocksource.equals("tod")) {
            options.addAll(List.of("--clocksource", clocksource));
        }
        return run(name, "s390x/" + clocksource, options, timeout, script);
    }

    /**
     * Boots a riscv64 guest ({@code lab.sh --arch riscv64}, with {@code --clocksource jiffies} unless
     * {@code clocksource} is "riscv_clocksource", the default) with the repository shared at its own path.
     */
    static LabRun runRiscv64(String name, String clocksource, Duration timeout, String script)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--arch", "riscv64", "--share", REPO_DIR.toString()));
        if (!clocksource.equals("riscv_clocksource")) {
            options.addAll(List.of("--clocksource", clocksource));
        }
        return run(name, "riscv64/" + clocksource, options, timeout, script);
    }

    private static LabRun run(String name, String clocksource, List<String> options, Duration timeout, String script)
            throws IOException, InterruptedException {
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
        // lab.sh enforces the timeout itself; the margin covers building the initramfs (aarch64: the
        // whole arm64 root from Debian packages, when the cache is empty).
        long margin = options.contains("aarch64") || options.contains("ppc64le") || options.contains("s390x")
                || options.contains("riscv64") ? 600 : 60;
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
