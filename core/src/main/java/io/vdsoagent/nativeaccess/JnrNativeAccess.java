package io.vdsoagent.nativeaccess;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** {@link NativeAccess} through jnr-ffi (JDK 8-21); jffi's stub is placed by {@link JffiStub} first. */
final class JnrNativeAccess implements NativeAccess {
    private final JnrLibC libc;
    private final Runtime runtime;
    private final ArchTable.Arch arch;

    private JnrNativeAccess(JnrLibC libc, ArchTable.Arch arch) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.arch = arch;
    }

    /** Binds libc; throws (LinkageError included) when jnr cannot, the caller turns that into a reason. */
    static JnrNativeAccess load(ArchTable.Arch arch) {
        JnrLibC libc;
        try {
            libc = loader().load("c");
        } catch (LinkageError e) {
            // glibc before 2.34 keeps dlsym/dlopen in libdl.
            libc = loader().library("dl").load("c");
        }
        JnrNativeAccess na = new JnrNativeAccess(libc, arch);
        // One real call proves the stubs link; a broken jffi fails here, not inside a probe.
        libc.abs(-1);
        return na;
    }

    private static LibraryLoader<JnrLibC> loader() {
        return LibraryLoader.create(JnrLibC.class)
                .map("clock_gettime_fast", "clock_gettime")
                .map("syscall3", "syscall")
                .map("syscall2_fast", "syscall")
                .failImmediately();
    }

    @Override
    public String implementation() {
        return "jnr";
    }

    @Override
    public ArchTable.Arch arch() {
        return arch;
    }

    @Override
    public NativeBuffer allocate(int bytes) {
        return new JnrBuffer(Memory.allocateDirect(runtime, bytes, true), bytes);
    }

    @Override
    public int clockGettime(int clockId, long timespec) {
        return libc.clock_gettime(clockId, timespec);
    }

    @Override
    public int clockGettimeFast(int clockId, long timespec) {
        return libc.clock_gettime_fast(clockId, timespec);
    }

    @Override
    public long syscall3(long number, long arg1, long arg2, long arg3) {
        return libc.syscall3(number, arg1, arg2, arg3);
    }

    @Override
    public long syscall2Fast(long number, long arg1, long arg2) {
        return libc.syscall2_fast(number, arg1, arg2);
    }

    @Override
    public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        return libc.prctl(option, arg2, arg3, arg4, arg5);
    }

    @Override
    public int getrusage(int who, long rusage) {
        return libc.getrusage(who, rusage);
    }

    @Override
    public long getauxval(long type) {
        return libc.getauxval(type);
    }

    @Override
    public int uname(long utsname) {
        return libc.uname(utsname);
    }

    @Override
    public int abs(int value) {
        return libc.abs(value);
    }

    @Override
    public long dlsym(long handle, String name) {
        return libc.dlsym(handle, name);
    }

    @Override
    public long dlopen(String file, int flags) {
        return libc.dlopen(file, flags);
    }

    @Override
    public int open(String path, int flags) {
        return libc.open(path, flags);
    }

    @Override
    public long read(int fd, long buffer, long count) {
        return libc.read(fd, buffer, count);
    }

    @Override
    public int close(int fd) {
        return libc.close(fd);
    }

    @Override
    public int lastErrno() {
        return LastError.getLastError(runtime);
    }

    /** Holds jnr's Pointer: jnr frees direct memory only once that object is collected. */
    private static final class JnrBuffer extends NativeBuffer {
        private final Pointer memory;

        JnrBuffer(Pointer memory, int size) {
            super(memory.address(), size);
            this.memory = memory;
        }

        @Override
        protected void put(byte[] bytes) {
            memory.put(0, bytes, 0, bytes.length);
        }

        @Override
        protected void get(int offset, byte[] target, int targetOffset, int length) {
            memory.get(offset, target, targetOffset, length);
        }

        @Override
        protected long getLong(int offset) {
            return memory.getLong(offset);
        }
    }
}
