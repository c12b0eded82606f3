package io.vdsoagent.detect;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Detector names in rank order: the first one that answers vdso or syscall decides. */
public final class Detectors {
    public static final String SECCOMP = "seccomp";
    public static final String RUSAGE = "rusage";
    public static final String LATENCY = "latency";
    public static final String CLOCKSOURCE = "clocksource";

    /** Highest rank first: deterministic proof, then CPU accounting, then timing, then the name hint. */
    public static final List<String> BY_RANK =
            Collections.unmodifiableList(Arrays.asList(SECCOMP, RUSAGE, LATENCY, CLOCKSOURCE));

    private Detectors() {
    }

    /** 0 for the highest rank; names outside the list rank last. */
    public static int rank(String detector) {
        int i = BY_RANK.indexOf(detector);
        return i < 0 ? BY_RANK.size() : i;
    }
}
