package io.vdsoagent.detect;

import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeBuffer;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which clock ids this kernel refuses: libc {@code clock_gettime} returning EINVAL (gVisor implements no
 * CLOCK_TAI). Such a clock is {@link Verdict#UNSUPPORTED}, not a fallback: the detectors would see its
 * refused call reach the kernel and call it a syscall. The answer is the kernel's and fixed for its life.
 */
public final class ClockSupport {
    static final int EINVAL = 22;

    private ClockSupport() {
    }

    /** One unfiltered call per clock on the calling thread; unknown (never an exception) when they cannot run. */
    public static Probed<Set<ClockId>> refused(Probed<NativeAccess> nativeAccess, List<ClockId> clocks) {
        if (!nativeAccess.known()) {
            return Probed.unknown(NativeAccessLoader.unavailable(nativeAccess.reason()));
        }
        try {
            NativeAccess na = nativeAccess.get();
            NativeBuffer timespec = na.allocate(16);
            Set<ClockId> refused = EnumSet.noneOf(ClockId.class);
            for (ClockId c : clocks) {
                if (na.clockGettime(c.linuxId(), timespec.address()) != 0 && na.lastErrno() == EINVAL) {
                    refused.add(c);
                }
            }
            return Probed.of(Collections.unmodifiableSet(refused));
        } catch (Throwable t) {
            return Probed.unknown("clock_gettime support check failed: " + Failures.describe(t));
        }
    }

    /** The finding that makes a refused clock {@link Verdict#UNSUPPORTED}: the kernel's own answer, a proof. */
    public static Finding finding(ClockId clock) {
        return Finding.of(KERNEL, clock, Verdict.UNSUPPORTED, "clock_gettime(" + clock.label()
                + ") returns EINVAL: this kernel does not implement the clock").withConfidence(Confidence.PROOF);
    }

    /** The {@code detector} of an unsupported clock: the kernel said so itself. */
    public static final String KERNEL = "kernel";
}
