package io.vdsoagent.testing;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.Detector;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.health.Prober;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VdsoSymbol;
import io.vdsoagent.source.VsyscallMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Hand-built host facts and scripted detectors for snapshot, monitor and binder tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static HostFacts host(String clocksource, String... available) {
        VdsoFacts vdso = new VdsoFacts(0x7ffd12345000L, 8192, "linux-vdso.so.1", "abc123", "x86_64",
                Arrays.asList(new VdsoSymbol("__vdso_clock_gettime", "LINUX_2.6"), new VdsoSymbol("clock_gettime", "LINUX_2.6")));
        return new HostFacts(Probed.of("6.18.0-test"), Probed.of("x86_64"), Probed.of(vdso),
                Probed.of(new ClocksourceFacts(clocksource, Arrays.asList(available))),
                Probed.of(VsyscallMode.XONLY), Probed.of(2));
    }

    /** A detector answering from a mutable script: clock -> verdict (absent = unknown). */
    public static final class ScriptedDetector implements Detector {
        private final String name;
        private final Map<ClockId, Verdict> script = new EnumMap<>(ClockId.class);
        public int runs;

        public ScriptedDetector(String name) {
            this.name = name;
        }

        public ScriptedDetector set(Verdict v, ClockId... clocks) {
            for (ClockId c : clocks) {
                script.put(c, v);
            }
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
            runs++;
            List<Finding> out = new ArrayList<>();
            for (ClockId c : clocks) {
                Verdict v = script.containsKey(c) ? script.get(c) : Verdict.UNKNOWN;
                out.add(Finding.timed(name, c, v, "scripted " + v.label(), 20 + c.linuxId(), 300 + c.linuxId()));
            }
            return out;
        }
    }

    /** A prober over a host that tests can swap, with the given detectors and no JVM timing. */
    public static Prober prober(final AtomicReference<HostFacts> host, Detector... detectors) {
        return Prober.builder()
                .hostFacts(new Supplier<HostFacts>() {
                    @Override
                    public HostFacts get() {
                        return host.get();
                    }
                })
                .detectorInstances(Arrays.asList(detectors))
                .jvmClockPath(false)
                .build();
    }
}
