package io.vdsoagent.nativeaccess;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc functions the detectors need. All-primitive signatures (addresses as {@code long})
 * so jnr-ffi takes its fast path. {@code syscall} is variadic in C; on x86_64 and aarch64 Linux
 * the variadic and the fixed calling conventions agree for integer arguments, so fixed arities work.
 */
public interface LibC {

    /** Saves errno: the seccomp probe reads its marker from it. */
    @SaveError
    int clock_gettime(int clockId, long timespecAddress);

    /** Same symbol, no errno bookkeeping: the cheaper path for timing loops. */
    @IgnoreError
    int clock_gettime_fast(int clockId, long timespecAddress);

    @SaveError
    long syscall3(long number, long arg1, long arg2, long arg3);

    /** The raw syscall path for timing loops: 2 arguments (clock id, timespec address). */
    @IgnoreError
    long syscall2_fast(long number, long arg1, long arg2);

    @SaveError
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    @SaveError
    int getrusage(int who, long rusageAddress);

    /**
     * Where a symbol resolves: handle 0 (RTLD_DEFAULT) is the global lookup the JVM's own calls go
     * through, so an LD_PRELOAD interposer comes first; a library's handle gives its own definition.
     */
    @IgnoreError
    long dlsym(long handle, String name);

    /** With RTLD_NOLOAD: the handle of an already loaded library (e.g. libc.so.6), 0 if it is not. */
    @IgnoreError
    long dlopen(String file, int flags);

    /** The FFI baseline: a call that does nothing worth timing. */
    @IgnoreError
    int abs(int value);
}
