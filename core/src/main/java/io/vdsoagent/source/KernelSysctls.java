package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The few {@code /proc/sys/kernel/*} values we report: osrelease, arch, randomize_va_space, boot_id. */
public final class KernelSysctls {
    private static final Pattern RELEASE = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern ARCH = Pattern.compile("[a-z0-9_]{1,32}");
    private static final Pattern VERSION = Pattern.compile("[\\x20-\\x7e]{1,128}");
    private static final String OSRELEASE = "/proc/sys/kernel/osrelease";
    private static final String KERNEL_ARCH = "/proc/sys/kernel/arch";
    private static final String KERNEL_VERSION = "/proc/sys/kernel/version";
    private static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";
    private static final String RANDOMIZE_VA_SPACE = "/proc/sys/kernel/randomize_va_space";

    private final SystemRoot root;
    /** The two files every re-probe reads, kept open on the live root (their checks are loops, not regexes). */
    private final KeptFile bootId;
    private final KeptFile randomizeVaSpace;

    public KernelSysctls(SystemRoot root) {
        this.root = root;
        this.bootId = new KeptFile(root, BOOT_ID);
        this.randomizeVaSpace = new KeptFile(root, RANDOMIZE_VA_SPACE);
    }

    /** {@code /proc/sys/kernel/osrelease} (uname -r), e.g. 6.18.44. */
    public Probed<String> osRelease() {
        return token(OSRELEASE, () -> BoundedFiles.readTrimmedText(root.resolve(OSRELEASE)),
                s -> RELEASE.matcher(s).matches());
    }

    /** {@code /proc/sys/kernel/arch} (uname -m); the file exists on Linux 6.x, not on older kernels. */
    public Probed<String> arch() {
        return token(KERNEL_ARCH, () -> BoundedFiles.readTrimmedText(root.resolve(KERNEL_ARCH)),
                s -> ARCH.matcher(s).matches());
    }

    /** {@code /proc/sys/kernel/version} (uname -v), e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.18.44-1". */
    public Probed<String> version() {
        return token(KERNEL_VERSION, () -> BoundedFiles.readTrimmedText(root.resolve(KERNEL_VERSION)),
                s -> VERSION.matcher(s).matches());
    }

    /** {@code /proc/sys/kernel/random/boot_id}: one UUID per running kernel, shared by its containers. */
    public Probed<String> bootId() {
        return token(BOOT_ID, bootId::readTrimmedText, KernelSysctls::isUuid);
    }

    /** {@code /proc/sys/kernel/randomize_va_space}: 0 no ASLR, 1 partial, 2 full. */
    public Probed<Integer> randomizeVaSpace() {
        Probed<String> text = token(RANDOMIZE_VA_SPACE, randomizeVaSpace::readTrimmedText,
                s -> s.length() == 1 && s.charAt(0) >= '0' && s.charAt(0) <= '2');
        return text.known() ? Probed.of(text.get().charAt(0) - '0') : Probed.<Integer>unknown(text.reason());
    }

    /** [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, the kernel's own format. */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Reads a file's trimmed text. */
    private interface Text {
        String read() throws java.io.IOException;
    }

    private static Probed<String> token(String path, Text file, Predicate<String> valid) {
        String text;
        try {
            text = file.read();
        } catch (Exception e) {
            return Probed.unknown("cannot read " + path + ": " + Failures.describe(e));
        }
        if (!valid.test(text)) {
            return Probed.unknown(path + " holds an unexpected value [" + BoundedFiles.quote(text) + "]");
        }
        return Probed.of(text);
    }
}
