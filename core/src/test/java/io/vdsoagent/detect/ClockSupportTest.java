package io.vdsoagent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The refusal check against the kernel's raw answer: the clock_gettime syscall itself, made here for each
 * clock, returns EINVAL exactly for the clocks reported refused (none on a Linux host; gVisor's TAI is
 * checked in {@code GvisorSandboxE2E} against runsc's strace).
 */
class ClockSupportTest {

    @Test
    void refusedIsExactlyWhereTheRawSyscallSaysEinval() {
        Probed<NativeAccess> na = NativeAccessLoader.shared();
        assertTrue(na.known(), na.toString());
        Probed<Set<ClockId>> refused = ClockSupport.refused(na, Arrays.asList(ClockId.values()));
        assertTrue(refused.known(), refused.toString());
        NativeBuffer ts = na.get().allocate(16);
        Set<ClockId> einval = EnumSet.noneOf(ClockId.class);
        for (ClockId c : ClockId.values()) {
            if (na.get().syscall3(na.get().arch().clockGettimeNr(), c.linuxId(), ts.address(), 0) != 0
                    && na.get().lastErrno() == ClockSupport.EINVAL) {
                einval.add(c);
            }
        }
        assertEquals(einval, refused.get());
    }

    @Test
    void withoutNativeAccessItIsUnknownNotEmpty() {
        Probed<Set<ClockId>> p = ClockSupport.refused(Probed.<NativeAccess>unknown("no jffi"), Arrays.asList(ClockId.TAI));
        assertFalse(p.known());
        assertTrue(p.reason().contains("no jffi"), p.reason());
    }

    @Test
    void theFindingIsTheKernelsProof() {
        Finding f = ClockSupport.finding(ClockId.TAI);
        assertEquals(Verdict.UNSUPPORTED, f.verdict());
        assertEquals("kernel", f.detector());
        assertEquals("proof", f.qualifier());
        assertEquals("unsupported", f.verdict().label());
    }
}
