package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

/**
 * libc {@code getauxval} through a tiny jnr-ffi binding of our own (the detectors' libc binding
 * lives in {@code nativeaccess}; this one is kept here so the sources do not depend on it).
 * Loaded lazily on first use; if jnr/jffi cannot load (no native library, noexec tmpdir, non-glibc
 * platform) every call answers unknown with the reason instead of throwing.
 */
public final class NativeAuxv {

    /** All-primitive signature: jnr's fast path, no marshalling. Public because jnr implements it. */
    public interface LibC {
        long getauxval(long type);
    }

    private NativeAuxv() {
    }

    /** Holder idiom: the library is loaded once, on first use, by whichever thread comes first. */
    private static final class Holder {
        static final Object LIBC_OR_REASON = load();

        private static Object load() {
            try {
                return jnr.ffi.LibraryLoader.create(LibC.class).failImmediately().load("c");
            } catch (Throwable t) { // LinkageError from a missing jffi stub must not escape either
                return "jnr-ffi cannot load libc: " + Failures.describe(t);
            }
        }
    }

    /** {@code getauxval(type)}; unknown when native access fails or libc returns 0 (entry absent). */
    public static Probed<Long> getauxval(long type) {
        try {
            Object libc = Holder.LIBC_OR_REASON;
            if (libc instanceof String) {
                return Probed.unknown((String) libc);
            }
            long value = ((LibC) libc).getauxval(type);
            return value != 0 ? Probed.of(value) : Probed.unknown("getauxval(" + type + ") returned 0");
        } catch (Throwable t) {
            return Probed.unknown("getauxval(" + type + ") failed: " + Failures.describe(t));
        }
    }
}
