package io.vdsoagent.detect;

import io.vdsoagent.source.HostFacts;
import java.util.List;

/**
 * One way to tell whether {@code clock_gettime} stays in the vDSO. Implementations never throw:
 * anything that goes wrong becomes an unknown {@link Finding} saying why.
 */
public interface Detector {

    /** seccomp, rusage, latency or clocksource: also the {@code detector} metric label. */
    String name();

    /** The built-in detector this is, or null for a custom one (ranked after the built-ins). */
    default DetectorId id() {
        return DetectorId.byLabel(name());
    }

    /** One finding per requested clock, in the order given. */
    List<Finding> detect(HostFacts host, List<ClockId> clocks);
}
