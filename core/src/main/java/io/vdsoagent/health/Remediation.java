package io.vdsoagent.health;

import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.ClocksourceDetector;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.Verdict;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one line of advice per clock: why it falls back (the kernel's own log line where readable),
 * and another clocksource only when this machine offers one the vDSO can read, with its caveat;
 * otherwise that no faster source exists here. A verdict from a heuristic is called a hint.
 */
final class Remediation {
    private static final String SWITCH =
            " (or at runtime: echo %s > /sys/devices/system/clocksource/clocksource0/current_clocksource)";
    /** How many kernel log lines a remediation quotes (newest last). */
    static final int QUOTED_EVENTS = 3;

    /** What to keep in mind before switching to a clocksource. */
    private static final Map<String, String> CAVEATS;

    static {
        Map<String, String> m = new HashMap<>();
        m.put("tsc", "only if the TSC is stable and invariant: the kernel's watchdog marks it unstable on bad"
                + " hardware, and a VM's TSC can jump on live migration unless the hypervisor scales it");
        m.put("kvm-clock", "the vDSO reads kvm-clock only when the host sets the pvclock stable bit");
        m.put("hyperv_clocksource_tsc_page", "the Hyper-V TSC page survives migration only on hosts with TSC scaling");
        m.put("arch_sys_counter", "not while an arch timer erratum workaround is active");
        CAVEATS = Collections.unmodifiableMap(m);
    }

    private Remediation() {
    }

    static String forClock(ClockId clock, Verdict verdict, List<Finding> findings, Probed<ClocksourceFacts> cs) {
        return forClock(clock, verdict, null, findings, cs,
                Probed.<List<KernelClockEvent>>unknown("the kernel log was not read"));
    }

    /**
     * @param decider the detector that decided (null while unknown)
     * @param events  the kernel log's clock lines this probe
     */
    static String forClock(ClockId clock, Verdict verdict, String decider, List<Finding> findings,
                           Probed<ClocksourceFacts> cs, Probed<List<KernelClockEvent>> events) {
        if (verdict == Verdict.VDSO || verdict == Verdict.UNSUPPORTED) {
            return ""; // served, or refused by the kernel: nothing to remedy
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
        String hint = hintPrefix(decider, findings);
        if (!cs.known()) {
            return hint + "clock_gettime falls back to a syscall; the clocksource is unknown (" + cs.reason() + ")"
                    + kernelLog(events);
        }
        String current = cs.get().current();
        return hint + cause(current) + kernelLog(events) + "; " + advice(cs.get(), events);
    }

    /** Empty for the proof; otherwise says which heuristic decided and how sure it is. */
    private static String hintPrefix(String decider, List<Finding> findings) {
        for (Finding f : findings) {
            if (f.detector().equals(decider) && f.isHint()) {
                return "a hint, not proof (" + decider + ", " + f.confidence().label() + " confidence): ";
            }
        }
        return "";
    }

    private static String cause(String current) {
        ClocksourceDetector.Capability cap = ClocksourceDetector.capability(current);
        if ("xen".equals(current)) {
            return "clocksource xen is served by the vDSO only with a stable pvclock from the hypervisor";
        }
        if ("kvm-clock".equals(current)) {
            return "clocksource kvm-clock falls back when the host does not set the pvclock stable bit";
        }
        if ("arch_sys_counter".equals(current)) {
            return "clocksource arch_sys_counter falls back while an arch timer erratum workaround is active";
        }
        if (cap != null && cap.verdict() == Verdict.SYSCALL) {
            return "clocksource " + current + " has no vDSO support";
        }
        if (cap != null && cap.verdict() == Verdict.VDSO) {
            return "clocksource " + current + " normally stays in the vDSO but calls reach the kernel";
        }
        return "clock_gettime falls back to a syscall with clocksource " + current;
    }

    /** The kernel's own reason: the newest lines that explain a fallback or a switch, with their time. */
    static String kernelLog(Probed<List<KernelClockEvent>> events) {
        if (!events.known()) {
            return "; kernel log: unknown, because " + events.reason();
        }
        List<KernelClockEvent> relevant = new ArrayList<>();
        KernelClockEvent lastSwitch = null;
        for (KernelClockEvent e : events.get()) {
            if (KernelClockEvent.SWITCH.equals(e.kind())) {
                lastSwitch = e;
            } else {
                relevant.add(e);
            }
        }
        if (lastSwitch != null) {
            relevant.add(lastSwitch);
        }
        if (relevant.isEmpty()) {
            return "; kernel log: no line explains it";
        }
        List<KernelClockEvent> quoted = relevant.size() <= QUOTED_EVENTS ? relevant
                : relevant.subList(relevant.size() - QUOTED_EVENTS, relevant.size());
        StringBuilder b = new StringBuilder("; kernel log: ");
        for (int i = 0; i < quoted.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(quoted.get(i));
        }
        return b.toString();
    }

    /** Another clocksource only if one here can be read by the vDSO; otherwise say none exists. */
    private static String advice(ClocksourceFacts cs, Probed<List<KernelClockEvent>> events) {
        String better = vdsoCapableAlternative(cs);
        if (better == null) {
            return "no faster clocksource exists on this machine (available: " + String.join(" ", cs.available()) + ")";
        }
        StringBuilder b = new StringBuilder(better).append(" is available and read by the vDSO: boot with clocksource=")
                .append(better).append(String.format(SWITCH, better));
        String caveat = CAVEATS.get(better);
        if (caveat != null) {
            b.append("; caveat: ").append(caveat);
        }
        if (events.known()) {
            for (KernelClockEvent e : events.get()) {
                if (KernelClockEvent.UNSTABLE.equals(e.kind()) && better.equals(e.subject())) {
                    b.append("; this kernel already marked ").append(better).append(" unstable ").append(e)
                            .append(": it will not hold until reboot");
                    break;
                }
            }
        }
        return b.toString();
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
