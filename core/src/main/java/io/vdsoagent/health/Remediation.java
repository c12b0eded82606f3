package io.vdsoagent.health;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.ClocksourceDetector;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.base.Probed;
import java.util.List;

/** The one line of advice per clock: what to do about a fallback, or why a verdict is missing. */
final class Remediation {
    private static final String SWITCH =
            " (or at runtime: echo %s > /sys/devices/system/clocksource/clocksource0/current_clocksource)";

    private Remediation() {
    }

    static String forClock(ClockId clock, Verdict verdict, List<Finding> findings, Probed<ClocksourceFacts> cs) {
        if (verdict == Verdict.VDSO) {
            return "";
        }
        if (verdict == Verdict.UNKNOWN) {
            StringBuilder why = new StringBuilder("no detector could decide");
            for (Finding f : findings) {
                why.append("; ").append(f.detector()).append(": ").append(f.detail());
            }
            return why.toString();
        }
        if (clock.isCpuTime()) {
            return "always a syscall on Linux; expected";
        }
        if (!cs.known()) {
            return "clock_gettime falls back to a syscall; the clocksource is unknown (" + cs.reason() + ")";
        }
        String current = cs.get().current();
        String better = vdsoCapableAlternative(cs.get());
        ClocksourceDetector.Capability cap = ClocksourceDetector.capability(current);
        if ("xen".equals(current)) {
            return "clocksource xen is served by the vDSO only with a stable pvclock from the hypervisor "
                    + "(dmesg: 'xen: VDSO_CLOCKMODE_PVCLOCK not supported' means it is not)"
                    + (better == null ? "" : "; " + better + " is available: boot with clocksource=" + better
                    + " if the hypervisor keeps it stable");
        }
        if ("kvm-clock".equals(current)) {
            return "clocksource kvm-clock falls back when the host does not set the pvclock stable bit"
                    + (better == null ? "" : "; " + better + " is available: boot with clocksource=" + better
                    + String.format(SWITCH, better));
        }
        if (cap != null && cap.verdict() == Verdict.SYSCALL) {
            return "clocksource " + current + " has no vDSO support; "
                    + (better == null ? "no vDSO-capable clocksource is available on this host"
                    : better + " is available: boot with clocksource=" + better + String.format(SWITCH, better));
        }
        if (cap != null && cap.verdict() == Verdict.VDSO) {
            return "clocksource " + current + " normally stays in the vDSO but calls reach the kernel: "
                    + "check dmesg for 'Marking clocksource' (unstable counter) or a vDSO erratum workaround";
        }
        return "clock_gettime falls back to a syscall with clocksource " + current
                + (better == null ? "" : "; " + better + " is available: boot with clocksource=" + better);
    }

    /** The first available clocksource other than the current one that the vDSO can read. */
    private static String vdsoCapableAlternative(ClocksourceFacts cs) {
        for (String name : cs.available()) {
            ClocksourceDetector.Capability cap = ClocksourceDetector.capability(name);
            if (!name.equals(cs.current()) && cap != null && cap.verdict() == Verdict.VDSO) {
                return name;
            }
        }
        return null;
    }
}
