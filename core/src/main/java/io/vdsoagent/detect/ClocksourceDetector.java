package io.vdsoagent.detect;

import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.KernelClockEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lowest-ranked hint: what the current clocksource's name implies. A name is never proof
 * (kvm-clock is served by the vDSO only with the pvclock stable bit; ClickHouse's allow-list raised
 * false alarms on it), which is why every other detector outranks this one.
 *
 * <p>The kernel's log can overrule the name: an arm64 arch timer erratum workaround ("arch_timer:
 * Enabling ... workaround for ...") turns the vDSO counter read off although the clocksource stays
 * {@code arch_sys_counter}, and xen says "VDSO_CLOCKMODE_PVCLOCK not supported" when its pvclock cannot
 * be read in user space. Where the log is unreadable the hint says so instead of pretending.
 */
public final class ClocksourceDetector implements Detector {

    /** What the kernel's vDSO does with a clocksource: a verdict and why. */
    public static final class Capability {
        private final Verdict verdict;
        private final String why;

        Capability(Verdict verdict, String why) {
            this.verdict = verdict;
            this.why = why;
        }

        public Verdict verdict() {
            return verdict;
        }

        public String why() {
            return why;
        }
    }

    private static final Map<String, Capability> TABLE;

    static {
        Map<String, Capability> m = new HashMap<>();
        m.put("tsc", new Capability(Verdict.VDSO, "tsc is read by the vDSO"));
        m.put("kvm-clock", new Capability(Verdict.VDSO,
                "kvm-clock is likely read by the vDSO (only if the host sets the pvclock stable bit)"));
        m.put("hyperv_clocksource_tsc_page", new Capability(Verdict.VDSO, "the Hyper-V TSC page is read by the vDSO"));
        m.put("arch_sys_counter", new Capability(Verdict.VDSO,
                "arch_sys_counter is read by the vDSO unless an arch timer erratum workaround disables it"));
        m.put("riscv_clocksource", new Capability(Verdict.VDSO, "riscv_clocksource is read by the vDSO"));
        m.put("tod", new Capability(Verdict.VDSO, "the s390 TOD clock is read by the vDSO"));
        m.put("timebase", new Capability(Verdict.VDSO, "the powerpc timebase is read by the vDSO"));
        m.put("hpet", new Capability(Verdict.SYSCALL, "hpet has no vDSO support"));
        m.put("acpi_pm", new Capability(Verdict.SYSCALL, "acpi_pm has no vDSO support"));
        m.put("jiffies", new Capability(Verdict.SYSCALL, "jiffies has no vDSO support"));
        m.put("refined-jiffies", new Capability(Verdict.SYSCALL, "refined-jiffies has no vDSO support"));
        m.put("xen", new Capability(Verdict.UNKNOWN,
                "xen is read by the vDSO only if the hypervisor supports a stable pvclock (depends on the hypervisor)"));
        TABLE = Collections.unmodifiableMap(m);
    }

    /** Which kernel log line overrules a clocksource's table entry. */
    private static final Map<String, String> OVERRULED_BY;

    static {
        Map<String, String> m = new HashMap<>();
        m.put("arch_sys_counter", KernelClockEvent.ARCH_TIMER_WORKAROUND);
        m.put("xen", KernelClockEvent.XEN_NO_VDSO);
        OVERRULED_BY = Collections.unmodifiableMap(m);
    }

    private final Supplier<Probed<List<KernelClockEvent>>> kernelEvents;

    /** Without the kernel log: the name alone. */
    public ClocksourceDetector() {
        this(() -> Probed.<List<KernelClockEvent>>unknown("the kernel log was not read"));
    }

    /** @param kernelEvents this probe's kernel log events (see {@link io.vdsoagent.source.KernelLogReader}) */
    public ClocksourceDetector(Supplier<Probed<List<KernelClockEvent>>> kernelEvents) {
        this.kernelEvents = kernelEvents;
    }

    @Override
    public String name() {
        return DetectorId.CLOCKSOURCE.label();
    }

    /** The table entry for a clocksource name, or null when the name is not known. */
    public static Capability capability(String clocksource) {
        return TABLE.get(clocksource);
    }

    @Override
    public List<Finding> detect(HostFacts host, List<ClockId> clocks) {
        Probed<ClocksourceFacts> cs = host.clocksource();
        List<Finding> out = new ArrayList<>(clocks.size());
        Probed<List<KernelClockEvent>> events;
        try {
            events = kernelEvents.get();
        } catch (Throwable t) {
            events = Probed.unknown("reading the kernel log failed: " + t);
        }
        for (ClockId c : clocks) {
            out.add(judge(c, cs, events));
        }
        return out;
    }

    static Finding judge(ClockId clock, Probed<ClocksourceFacts> cs) {
        return judge(clock, cs, Probed.<List<KernelClockEvent>>unknown("the kernel log was not read"));
    }

    static Finding judge(ClockId clock, Probed<ClocksourceFacts> cs, Probed<List<KernelClockEvent>> events) {
        if (clock.isCoarse()) {
            return Finding.of(DetectorId.CLOCKSOURCE, clock, Verdict.VDSO,
                    "coarse clocks never read the counter: served by the vDSO whatever the clocksource");
        }
        if (clock.isCpuTime()) {
            return Finding.of(DetectorId.CLOCKSOURCE, clock, Verdict.SYSCALL, "CPU-time clocks always make the syscall");
        }
        if (!cs.known()) {
            return Finding.of(DetectorId.CLOCKSOURCE, clock, Verdict.UNKNOWN, "clocksource unknown: " + cs.reason());
        }
        String name = cs.get().current();
        Capability cap = TABLE.get(name);
        if (cap == null) {
            return Finding.of(DetectorId.CLOCKSOURCE, clock, Verdict.UNKNOWN, "clocksource " + name + " is not in the table");
        }
        String overruledBy = OVERRULED_BY.get(name);
        if (overruledBy != null) {
            if (!events.known()) {
                return Finding.of(DetectorId.CLOCKSOURCE, clock, cap.verdict(), "a hint from the name: " + cap.why()
                        + "; the kernel log, which would say so, is unknown, because " + events.reason());
            }
            KernelClockEvent line = newest(events.get(), overruledBy);
            if (line != null) {
                return Finding.of(DetectorId.CLOCKSOURCE, clock, Verdict.SYSCALL, "a hint from the name and the kernel log: "
                        + name + " without a vDSO clock mode, kernel log " + line);
            }
            return Finding.of(DetectorId.CLOCKSOURCE, clock, cap.verdict(), "a hint from the name: " + cap.why()
                    + "; the kernel log has no such line");
        }
        return Finding.of(DetectorId.CLOCKSOURCE, clock, cap.verdict(), "a hint from the name: " + cap.why());
    }

    /** The newest event of a kind, or null. */
    public static KernelClockEvent newest(List<KernelClockEvent> events, String kind) {
        KernelClockEvent found = null;
        for (KernelClockEvent e : events) {
            if (e.kind().equals(kind)) {
                found = e;
            }
        }
        return found;
    }
}
