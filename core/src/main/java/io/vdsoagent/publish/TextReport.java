package io.vdsoagent.publish;

import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VdsoMapsCheck;
import io.vdsoagent.source.VdsoSymbol;
import java.util.Locale;
import java.util.Map;

/** The human report (the CLI's output): headline, host facts, one block per clock, advice. */
public final class TextReport {
    private TextReport() {
    }

    public static String render(ClockHealth health, boolean exposeAddress) {
        HostFacts host = health.host();
        StringBuilder b = new StringBuilder();
        b.append(health.headline()).append('\n').append('\n');
        b.append("kernel      ").append(host.kernelRelease()).append(" (").append(host.arch()).append(")\n");
        b.append("version     ").append(host.kernelVersion()).append('\n');
        b.append("boot id     ").append(host.kernel().bootId()).append('\n');
        b.append("runtime     ").append(host.kernel().runtime().known() ? host.kernel().runtimeLabel()
                : host.kernel().runtime().toString()).append('\n');
        b.append("clocksource ").append(host.clocksource()).append('\n');
        if (host.vdso().known()) {
            VdsoFacts v = host.vdso().get();
            b.append("vDSO        ").append(v.soname()).append(", ").append(v.imageBytes()).append(" bytes");
            if (exposeAddress) {
                b.append(" at 0x").append(Long.toHexString(v.baseAddress()));
            }
            b.append(", build-id ").append(v.buildId().isEmpty() ? "none" : v.buildId()).append('\n');
            if (v.mapsCheck().known() && v.mapsCheck().get().outcome() != VdsoMapsCheck.Outcome.AGREES) {
                b.append("vDSO maps   ").append(v.mapsCheck().get()).append('\n');
            }
            b.append("symbols    ");
            for (VdsoSymbol s : v.symbols()) {
                b.append(' ').append(s);
            }
            b.append('\n');
        } else {
            b.append("vDSO        ").append(host.vdso()).append('\n');
        }
        b.append("vsyscall    ").append(host.vsyscall().known() ? host.vsyscall().get().label() : host.vsyscall().toString())
                .append(", ASLR ").append(host.aslr()).append('\n').append('\n');

        b.append(String.format(Locale.ROOT, "%-17s %-8s %-12s %12s %12s%n", "clock", "verdict", "detector", "vDSO ns", "syscall ns"));
        for (ClockStatus s : health.clocks()) {
            b.append(String.format(Locale.ROOT, "%-17s %-8s %-12s %12s %12s%n", s.clock().label(), s.verdict().label(),
                    s.detector() == null ? "-" : s.detector(), nanos(s.vdsoNanos()), nanos(s.syscallNanos())));
            for (Finding f : s.findings()) {
                b.append("    ").append(f.detector()).append(": ").append(f.verdict().label())
                        .append(" [").append(f.qualifier()).append("] - ").append(f.detail()).append('\n');
            }
            if (!s.remediation().isEmpty()) {
                b.append("    => ").append(s.remediation()).append('\n');
            }
        }
        JvmClockPath jvm = health.jvmClockPath();
        b.append('\n').append("JVM clock path: ");
        for (Map.Entry<String, Double> e : jvm.methodNanos().entrySet()) {
            b.append(e.getKey()).append(' ').append(nanos(e.getValue())).append(" ns  ");
        }
        b.append("interposed: ").append(jvm.interposed())
                .append(jvm.library().isEmpty() ? "" : " by " + jvm.library()).append('\n');
        b.append("    ").append(jvm.detail()).append('\n');
        b.append('\n').append("kernel log: ");
        if (!health.kernelEvents().known()) {
            b.append(health.kernelEvents()).append('\n');
        } else if (health.kernelEvents().get().isEmpty()) {
            b.append("no clocksource switch, instability or vDSO workaround logged").append('\n');
        } else {
            b.append('\n');
            for (KernelClockEvent e : health.kernelEvents().get()) {
                b.append("    ").append(e).append('\n');
            }
        }
        b.append(String.format(Locale.ROOT, "%nprobe: %.1f ms wall, %s CPU%n", health.probeWallNanos() / 1e6,
                health.probeCpuNanos() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f ms", health.probeCpuNanos() / 1e6)));
        if (!health.probeErrors().isEmpty()) {
            b.append("probe errors: ").append(health.probeErrors().keySet()).append('\n');
        }
        return b.toString();
    }

    private static String nanos(double n) {
        return Double.isNaN(n) ? "-" : String.format(Locale.ROOT, "%.1f", n);
    }
}
