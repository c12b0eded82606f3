package io.vdsoagent.publish.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The kernel's current clocksource changed while the JVM ran (an operator, or tsc marked unstable). */
@Name(ClocksourceChangeEvent.NAME)
@Label("Clocksource Change")
@Category({"vdso-agent", "Clock Health"})
@Description("The kernel switched clocksource while this JVM ran; the verdicts were re-probed.")
@StackTrace(false)
public class ClocksourceChangeEvent extends Event {
    public static final String NAME = "io.vdsoagent.ClocksourceChange";

    @Label("From")
    String from;

    @Label("To")
    String to;

    @Label("Verdict After")
    @Description("The headline of the re-probe")
    String headline;
}
