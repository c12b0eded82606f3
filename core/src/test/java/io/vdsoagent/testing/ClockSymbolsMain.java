package io.vdsoagent.testing;

import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.detect.JvmClockPathProbe;

/** Run in a child JVM: where this JVM's clock functions resolve, and the timing hint, in grep-able lines. */
public final class ClockSymbolsMain {
    private ClockSymbolsMain() {
    }

    public static void main(String[] args) {
        JvmClockPath p = new JvmClockPathProbe().probe();
        System.out.println("INTERPOSED " + p.interposed());
        System.out.println("LIBRARY " + p.library());
        System.out.println("RESOLVED " + p.symbols().resolvedTo());
        System.out.println("TIMINGHINT " + p.timingHint());
        System.out.println("DETAIL " + p.detail());
    }
}
