package io.vdsoagent.publish.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** One clock's verdict; periodic, by default at the start and end of every chunk, as JDK's static facts. */
@Name(ClockVerdictEvent.NAME)
@Label("Clock Verdict")
@Category({"vdso-agent", "Clock Health"})
@Description("Where clock_gettime for this clock is served: vdso (user space) or syscall, and which detector decided.")
@Period("everyChunk")
@StackTrace(false)
public class ClockVerdictEvent extends Event {
    public static final String NAME = "io.vdsoagent.ClockVerdict";

    @Label("Clock")
    @Description("realtime, monotonic, monotonic_raw, boottime, tai, realtime_coarse, monotonic_coarse, process_cputime, thread_cputime")
    String clock;

    @Label("Verdict")
    @Description("vdso, syscall or unknown")
    String verdict;

    @Label("Decided By")
    @Description("The highest-ranked detector that answered: seccomp (proof), rusage, latency or clocksource (hints)")
    String decidedBy;

    @Label("Proof")
    @Description("true when the seccomp detector proved the verdict; false for a heuristic's hint")
    boolean proof;

    @Label("Clocksource")
    String clocksource;

    @Label("vDSO Path (ns per call)")
    @Description("libc clock_gettime, NaN when not measured")
    double vdsoNanos;

    @Label("Syscall Path (ns per call)")
    @Description("raw syscall(SYS_clock_gettime), NaN when not measured")
    double syscallNanos;
}
