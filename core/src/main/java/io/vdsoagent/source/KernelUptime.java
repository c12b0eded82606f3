package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

/**
 * {@code /proc/uptime}'s first field: seconds since this kernel booted. Inside gVisor it is the sandbox's
 * age, which tells whether its clock calibration (about its first second, during which the vDSO answers
 * through the syscall) may still be under way.
 */
public final class KernelUptime {
    private final SystemRoot root;

    public KernelUptime(SystemRoot root) {
        this.root = root;
    }

    public Probed<Double> read() {
        String text;
        try {
            text = BoundedFiles.readTrimmedText(root.resolve("/proc/uptime"));
        } catch (Exception e) {
            return Probed.unknown("cannot read /proc/uptime: " + Failures.describe(e));
        }
        String first = text.split("\\s+", 2)[0];
        if (!first.matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
            return Probed.unknown("/proc/uptime holds an unexpected value [" + BoundedFiles.quote(text) + "]");
        }
        return Probed.of(Double.parseDouble(first));
    }
}
