package io.vdsoagent.source;

import io.vdsoagent.base.Probed;
import java.util.Locale;

/**
 * The facts {@link HostFacts} holds, each probed on its own. {@link #label()} names it in the
 * {@code probe} label of {@code vdso_probe_errors_total}; {@link #title()} in the degraded log line.
 */
public enum HostFact {
    KERNEL_RELEASE("kernel release"),
    ARCH("arch"),
    VDSO("vdso"),
    CLOCKSOURCE("clocksource"),
    VSYSCALL("vsyscall"),
    ASLR("aslr");

    private final String title;

    HostFact(String title) {
        this.title = title;
    }

    /** kernel_release, arch, vdso, clocksource, vsyscall, aslr. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How a person names it: "kernel release". */
    public String title() {
        return title;
    }

    /** This fact's value in {@code host}. */
    public Probed<?> of(HostFacts host) {
        switch (this) {
            case KERNEL_RELEASE:
                return host.kernelRelease();
            case ARCH:
                return host.arch();
            case VDSO:
                return host.vdso();
            case CLOCKSOURCE:
                return host.clocksource();
            case VSYSCALL:
                return host.vsyscall();
            default:
                return host.aslr();
        }
    }
}
