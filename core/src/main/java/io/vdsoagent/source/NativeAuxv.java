package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;

/**
 * libc {@code getauxval} through the libc binding its caller passes (the prober's). If native
 * access is unavailable (no executable place for jffi's stub, a non-glibc platform) every call answers
 * unknown with the reason instead of throwing; {@code /proc/self/auxv} stays the primary source.
 */
public final class NativeAuxv {

    private NativeAuxv() {
    }

    /** {@link #getauxval(Probed, long)} through the library's shared binding. */
    public static Probed<Long> getauxval(long type) {
        return getauxval(NativeAccessLoader.shared(), type);
    }

    /** {@code getauxval(type)}; unknown when native access fails or libc returns 0 (entry absent). */
    public static Probed<Long> getauxval(Probed<NativeAccess> na, long type) {
        try {
            if (!na.known()) {
                return Probed.unknown(NativeAccessLoader.unavailable(na.reason()));
            }
            long value = na.get().getauxval(type);
            return value != 0 ? Probed.of(value) : Probed.unknown("getauxval(" + type + ") returned 0");
        } catch (Throwable t) {
            return Probed.unknown("getauxval(" + type + ") failed: " + Failures.describe(t));
        }
    }
}
