package io.vdsoagent.publish.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A kernel log line that explains a fallback or a switch, recorded once per line. */
@Name(KernelClockLogEvent.NAME)
@Label("Kernel Clock Log Line")
@Category({"vdso-agent", "Clock Health"})
@Description("The kernel's own reason (/dev/kmsg): clocksource marked unstable, a switch, xen without pvclock vDSO, an arm64 timer erratum.")
@StackTrace(false)
public class KernelClockLogEvent extends Event {
    public static final String NAME = "io.vdsoagent.KernelClockLog";

    @Label("Kind")
    @Description("clocksource_unstable, clocksource_switch, xen_pvclock_no_vdso or arch_timer_workaround")
    String kind;

    @Label("Subject")
    @Description("The clocksource or timer the line is about")
    String subject;

    @Label("Since Boot")
    @Timespan(Timespan.MICROSECONDS)
    long sinceBoot;

    @Label("Message")
    String message;
}
