package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.nio.file.Files;

/**
 * Which kernel answers this process, from what that kernel says about itself:
 * <ul>
 * <li>{@code /proc/gvisor} exists: gVisor's marker directory (what its own {@code gvisordetect} checks);</li>
 * <li>{@code /proc/cmdline} is the one gVisor's sentry synthesises ({@code BOOT_IMAGE=/vmlinuz-<release>-gvisor
 *     quiet}): releases without the marker (Debian's runsc) still say so there.</li>
 * </ul>
 * Anything else with a readable {@code /proc/cmdline} is {@link KernelRuntime#LINUX}; no readable procfs
 * at all is unknown.
 */
public final class KernelRuntimeReader {
    private static final String MARKER = "/proc/gvisor";
    private static final String CMDLINE = "/proc/cmdline";

    private final SystemRoot root;

    public KernelRuntimeReader(SystemRoot root) {
        this.root = root;
    }

    public Probed<KernelRuntime> read() {
        if (Files.exists(root.resolve(MARKER))) {
            return Probed.of(KernelRuntime.GVISOR);
        }
        String cmdline;
        try {
            cmdline = BoundedFiles.readTrimmedText(root.resolve(CMDLINE));
        } catch (Exception e) {
            return Probed.unknown("no " + MARKER + " and cannot read " + CMDLINE + ": " + Failures.describe(e));
        }
        return Probed.of(isGvisorCmdline(cmdline) ? KernelRuntime.GVISOR : KernelRuntime.LINUX);
    }

    /** gVisor writes exactly {@code BOOT_IMAGE=/vmlinuz-<release>-gvisor quiet}; a bootloader never adds that. */
    static boolean isGvisorCmdline(String cmdline) {
        return cmdline.matches("BOOT_IMAGE=/vmlinuz-[\\x21-\\x7e]{1,128}-gvisor quiet");
    }
}
