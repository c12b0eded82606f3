package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.util.Locale;

/**
 * The legacy vsyscall page's mode, read from its permissions in /proc/self/maps:
 * absent = none, {@code --xp} = xonly, {@code r-xp} = emulate (readable: a known ROP target).
 * Native is only reported where the kernel says so (old kernels, vsyscall=native).
 */
public enum VsyscallMode {
    NONE, XONLY, EMULATE, NATIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode the {@code [vsyscall]} line's permissions imply ({@code null} = no such line).
     *
     * <p>Native and emulate look the same in maps ({@code r-xp} both): native mode mapped the real
     * page executable, emulate maps it readable and traps calls. Native was dropped from the kernel
     * in 2019 (Linux 5.3), and no procfs file tells them apart, so {@code r-xp} is reported as
     * EMULATE; NATIVE is never inferred from permissions.
     */
    public static Probed<VsyscallMode> fromMapping(Mapping vsyscall) {
        if (vsyscall == null) {
            return Probed.of(NONE);
        }
        if (vsyscall.executable() && !vsyscall.readable()) {
            return Probed.of(XONLY);
        }
        if (vsyscall.executable()) {
            return Probed.of(EMULATE);
        }
        return Probed.unknown("[vsyscall] has unexpected permissions " + vsyscall.perms());
    }
}
