package io.vdsoagent.health;

import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.source.HostFact;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a probe run can fail at, as counted in {@link ClockHealth#probeErrors()} and published as
 * the {@code probe} label of {@code vdso_probe_errors_total}: each {@link HostFact}, native access,
 * each detector (the clocksource detector shares its label with the clocksource fact), and publishing.
 */
public final class ProbeId {
    /** Native access (jnr) could not be loaded. */
    public static final String NATIVE = "native";

    /** Publishing: computing a metric's series from a snapshot failed (that metric kept its old series). */
    public static final String METRICS = "metrics";

    /** Every label, host facts first, in a fixed order. */
    public static final List<String> LABELS;

    static {
        Set<String> labels = new LinkedHashSet<>();
        for (HostFact f : HostFact.values()) {
            labels.add(f.label());
        }
        labels.add(NATIVE);
        for (DetectorId d : DetectorId.values()) {
            labels.add(d.label());
        }
        labels.add(METRICS);
        LABELS = Collections.unmodifiableList(new ArrayList<>(labels));
    }

    private ProbeId() {
    }
}
