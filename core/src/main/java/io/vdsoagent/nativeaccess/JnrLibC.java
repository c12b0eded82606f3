package io.vdsoagent.nativeaccess;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;

/**
 * The jnr-ffi binding behind {@link JnrNativeAccess}. All-primitive signatures (addresses as {@code long})
 * so jnr-ffi takes its fast path. {@code syscall} is variadic in C; on x86_64 and aarch64 Linux the
 * variadic and the fixed calling conventions agree for integer arguments, so fixed arities work.
 * Public only because jnr implements it.
 */
public interface JnrLibC {

    @SaveError
    int clock_gettime(int clockId, long timespecAddress);

    @IgnoreError
    int clock_gettime_fast(int clockId, long timespecAddress);

    @SaveError
    long syscall3(long number, long arg1, long arg2, long arg3);

    @IgnoreError
    long syscall2_fast(long number, long arg1, long arg2);

    @SaveError
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    @SaveError
    int getrusage(int who, long rusageAddress);

    @IgnoreError
    long getauxval(long type);

    @IgnoreError
    int abs(int value);

    /** RTLD_DEFAULT is the null handle on glibc and musl. */
    @IgnoreError
    long dlsym(long handle, String name);
}
