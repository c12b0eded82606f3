package io.vdsoagent.source;

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
}
