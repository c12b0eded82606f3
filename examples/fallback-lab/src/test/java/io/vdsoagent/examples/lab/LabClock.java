package io.vdsoagent.examples.lab;

/**
 * The nine clock ids the agent probes, with what the kernel sources lead one to expect on a
 * clocksource without vDSO support (hpet, acpi_pm). Only a sanity hint: strace in the guest judges.
 */
enum LabClock {
    REALTIME(0, "realtime", true),
    MONOTONIC(1, "monotonic", true),
    PROCESS_CPUTIME(2, "process_cputime", true),
    THREAD_CPUTIME(3, "thread_cputime", true),
    MONOTONIC_RAW(4, "monotonic_raw", true),
    REALTIME_COARSE(5, "realtime_coarse", false),
    MONOTONIC_COARSE(6, "monotonic_coarse", false),
    BOOTTIME(7, "boottime", true),
    TAI(11, "tai", true);

    final int id;
    final String label;
    private final boolean syscallWithoutVdsoClocksource;

    LabClock(int id, String label, boolean syscallWithoutVdsoClocksource) {
        this.id = id;
        this.label = label;
        this.syscallWithoutVdsoClocksource = syscallWithoutVdsoClocksource;
    }

    boolean cpuTime() {
        return this == PROCESS_CPUTIME || this == THREAD_CPUTIME;
    }

    /** Kernel-source expectation: the CPU-time clocks always trap; the rest only without a vDSO clocksource. */
    String expectedVerdict(String clocksource) {
        return expectedVerdict(clocksource.equals("tsc"));
    }

    /** The same, given whether the kernel lets the vDSO read the counter (arm64: no timer erratum workaround). */
    String expectedVerdict(boolean counterInVdso) {
        return cpuTime() || (!counterInVdso && syscallWithoutVdsoClocksource) ? "syscall" : "vdso";
    }

    static LabClock byId(int id) {
        for (LabClock clock : values()) {
            if (clock.id == id) {
                return clock;
            }
        }
        throw new IllegalArgumentException("unknown clock id [" + id + "]");
    }

    /** Accepts the Prometheus label ({@code process_cputime}) and the enum name ({@code PROCESS_CPUTIME_ID}). */
    static LabClock byName(String name) {
        String bare = name.toLowerCase(java.util.Locale.ROOT).replaceFirst("_id$", "");
        for (LabClock clock : values()) {
            if (clock.label.equals(bare)) {
                return clock;
            }
        }
        throw new IllegalArgumentException("unknown clock [" + name + "]");
    }
}
