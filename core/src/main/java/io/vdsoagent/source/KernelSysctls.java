package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.util.regex.Pattern;

/** The few {@code /proc/sys/kernel/*} values we report: osrelease, arch, randomize_va_space, boot_id. */
public final class KernelSysctls {
    private static final Pattern RELEASE = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern ARCH = Pattern.compile("[a-z0-9_]{1,32}");
    private static final Pattern VERSION = Pattern.compile("[\\x20-\\x7e]{1,128}");
    private static final Pattern ASLR = Pattern.compile("[0-2]");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final SystemRoot root;

    public KernelSysctls(SystemRoot root) {
        this.root = root;
    }

    /** {@code /proc/sys/kernel/osrelease} (uname -r), e.g. 6.18.44. */
    public Probed<String> osRelease() {
        return token("/proc/sys/kernel/osrelease", RELEASE);
    }

    /** {@code /proc/sys/kernel/arch} (uname -m); the file exists on Linux 6.x, not on older kernels. */
    public Probed<String> arch() {
        return token("/proc/sys/kernel/arch", ARCH);
    }

    /** {@code /proc/sys/kernel/version} (uname -v), e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.18.44-1". */
    public Probed<String> version() {
        return token("/proc/sys/kernel/version", VERSION);
    }

    /** {@code /proc/sys/kernel/random/boot_id}: one UUID per running kernel, shared by its containers. */
    public Probed<String> bootId() {
        return token("/proc/sys/kernel/random/boot_id", UUID);
    }

    /** {@code /proc/sys/kernel/randomize_va_space}: 0 no ASLR, 1 partial, 2 full. */
    public Probed<Integer> randomizeVaSpace() {
        Probed<String> text = token("/proc/sys/kernel/randomize_va_space", ASLR);
        return text.known() ? Probed.of(Integer.parseInt(text.get())) : Probed.<Integer>unknown(text.reason());
    }

    private Probed<String> token(String path, Pattern valid) {
        String text;
        try {
            text = BoundedFiles.readTrimmedText(root.resolve(path));
        } catch (Exception e) {
            return Probed.unknown("cannot read " + path + ": " + Failures.describe(e));
        }
        if (!valid.matcher(text).matches()) {
            return Probed.unknown(path + " holds an unexpected value [" + BoundedFiles.quote(text) + "]");
        }
        return Probed.of(text);
    }
}
