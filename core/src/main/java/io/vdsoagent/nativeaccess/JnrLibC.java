package io.vdsoagent.nativeaccess;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;

/**
 * The jnr-ffi binding behind {@link JnrNativeAccess}. All-primitive signatures (addresses as {@code long})
 * so jnr-ffi takes its fast path. {@code syscall} is variadic in C; on x86_64, aarch64, ppc64le, s390x and riscv64 Linux the
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

    @SaveError
    int uname(long utsnameAddress);

    /** The FFI baseline: a call that does nothing worth timing. */
    @IgnoreError
    int abs(int value);

    /**
     * Where a symbol resolves: handle 0 (RTLD_DEFAULT) is the global lookup the JVM's own calls go
     * through, so an LD_PRELOAD interposer comes first; a library's handle gives its own definition.
     * glibc before 2.34 keeps dlsym/dlopen in libdl ({@link JnrNativeAccess#load} binds it then).
     */
    @IgnoreError
    long dlsym(long handle, String name);

    /** With RTLD_NOLOAD: the handle of an already loaded library (e.g. libc.so.6), 0 if it is not. */
    @IgnoreError
    long dlopen(String file, int flags);

    /** Variadic in C; the mode is read only with O_CREAT/O_TMPFILE, which callers never pass. */
    @SaveError
    int open(String path, int flags);

    @SaveError
    long read(int fd, long bufferAddress, long count);

    @SaveError
    int close(int fd);
}
