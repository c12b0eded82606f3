package io.vdsoagent.publish.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A clock the JVM could read in user space makes the syscall: recorded when a snapshot first shows it (and
 * once when a recording starts while it lasts). The CPU-time clocks always make the syscall: never recorded.
 */
@Name(ClockFallbackEvent.NAME)
@Label("Clock Fallback")
@Category({"vdso-agent", "Clock Health"})
@Description("clock_gettime for this clock falls back to a system call; Proof tells a seccomp proof from a hint.")
@StackTrace(false)
public class ClockFallbackEvent extends Event {
    public static final String NAME = "io.vdsoagent.ClockFallback";

    @Label("Clock")
    String clock;

    @Label("Decided By")
    String decidedBy;

    @Label("Proof")
    @Description("true when the seccomp detector proved the fallback; false for a heuristic's hint")
    boolean proof;

    @Label("Clocksource")
    String clocksource;

    @Label("Remediation")
    String remediation;
}
