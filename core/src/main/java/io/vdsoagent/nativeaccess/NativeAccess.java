package io.vdsoagent.nativeaccess;

/**
 * The libc calls the detectors make, behind one interface with two implementations: the FFM API
 * ({@code java.lang.foreign}, JDK 22+, from the agent's own named module with native access enabled for
 * that module alone) and jnr-ffi (JDK 8-21). {@link NativeAccessLoader} picks one at run time.
 *
 * <p>Addresses are plain {@code long}s (LP64 only: {@link ArchTable} lists no 32-bit architecture), so
 * both implementations take their primitive fast path and the seccomp filter can compare a call's
 * argument with a buffer's exact address. Memory handed to the kernel comes only from
 * {@link #allocate(int)}: the returned {@link NativeBuffer} owns it, and it is freed only once that
 * object is unreachable. Whoever hands an address to the kernel (or bakes it into a seccomp filter)
 * keeps the buffer object reachable for as long as that can happen.
 *
 * <p>errno: the methods documented "saves errno" record errno on the calling thread right after the
 * call; {@link #lastErrno()} returns it. The {@code *Fast} variants skip that bookkeeping (timing loops).
 * Implementations are stateless apart from per-thread errno and are safe to share between threads.
 */
public interface NativeAccess {

    /** "ffm" or "jnr": which implementation answered (reports and tests). */
    String implementation();

    ArchTable.Arch arch();

    /** A zeroed buffer of {@code bytes} bytes at a fixed address, owned by the returned object. */
    NativeBuffer allocate(int bytes);

    /** libc {@code clock_gettime(clockId, (struct timespec *) timespec)}; saves errno. */
    int clockGettime(int clockId, long timespec);

    /** The same libc symbol without errno bookkeeping: the cheap path for timing loops. */
    int clockGettimeFast(int clockId, long timespec);

    /** libc {@code syscall(number, arg1, arg2, arg3)}; saves errno. */
    long syscall3(long number, long arg1, long arg2, long arg3);

    /** libc {@code syscall(number, arg1, arg2)} without errno bookkeeping: the raw path for timing loops. */
    long syscall2Fast(long number, long arg1, long arg2);

    /** libc {@code prctl}; saves errno. */
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** libc {@code getrusage(who, (struct rusage *) rusage)}; saves errno. */
    int getrusage(int who, long rusage);

    /** libc {@code getauxval(type)}: 0 when the entry is absent. */
    long getauxval(long type);

    /**
     * libc {@code uname((struct utsname *) utsname)} into a buffer of at least {@link Utsname#BYTES}
     * bytes the caller owns; saves errno. {@link Utsname#read} does the whole call.
     */
    int uname(long utsname);

    /** libc {@code abs}: the FFI baseline, a call that does nothing worth timing. */
    int abs(int value);

    /** The {@link #dlsym} handle meaning the global lookup (RTLD_DEFAULT: the null handle on glibc and musl). */
    long RTLD_DEFAULT = 0;

    /**
     * libc {@code dlsym(handle, name)}. With {@link #RTLD_DEFAULT} the dynamic linker's global lookup:
     * the address an ordinary call from the JVM's own code reaches, interposers ({@code LD_PRELOAD})
     * included; with a library's handle ({@link #dlopen}) that library's own definition. 0 when the
     * symbol is not found (or on a C library without {@code dlsym}). By contrast, every other method of
     * this interface calls libc's own definition, never an interposer.
     */
    long dlsym(long handle, String name);

    /**
     * libc {@code dlopen(file, flags)}; with {@code RTLD_NOLOAD} the handle of an already loaded library
     * (e.g. {@code libc.so.6}) without loading anything. 0 when there is none (or no {@code dlopen}).
     */
    long dlopen(String file, int flags);

    /** libc {@code open(path, flags)} (never {@code O_CREAT}: no mode argument); saves errno. */
    int open(String path, int flags);

    /**
     * libc {@code read(fd, buffer, count)} into native memory the caller owns (a {@link NativeBuffer} of
     * at least {@code count} bytes, kept reachable across the call); saves errno.
     */
    long read(int fd, long buffer, long count);

    /** libc {@code close(fd)}; saves errno. */
    int close(int fd);

    /** errno recorded by this thread's last errno-saving call through this interface. */
    int lastErrno();
}
