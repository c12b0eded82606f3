package io.vdsoagent.testing;

import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.health.Prober;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.publish.TextReport;

/** Run in a child JVM by ITs/E2Es: one full probe, printed in grep-able lines plus the text report. */
public final class ProbeMain {
    private ProbeMain() {
    }

    /** Optional argument {@code rusageWallCapMillis=N}: lets tests on a loaded machine give rusage time. */
    public static void main(String[] args) {
        Prober.Builder b = Prober.builder();
        for (String a : args) {
            if (a.startsWith("rusageWallCapMillis=")) {
                b.rusageWallCapMillis(Long.parseLong(a.substring(a.indexOf('=') + 1)));
            }
        }
        ClockHealth h = b.build().probe();
        System.out.println("NATIVE " + NativeAccessLoader.shared());
        for (ClockStatus s : h.clocks()) {
            System.out.println("VERDICT " + s.clock().label() + " " + s.verdict().label() + " " + s.detector());
        }
        System.out.println("INTERPOSED " + h.jvmClockPath().interposed());
        System.out.println("JVMPATH " + h.jvmClockPath().detail());
        System.out.println(TextReport.render(h, false));
    }
}
