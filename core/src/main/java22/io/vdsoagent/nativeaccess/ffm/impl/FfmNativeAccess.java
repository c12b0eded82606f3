package io.vdsoagent.nativeaccess.ffm.impl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.vdsoagent.nativeaccess.ArchTable;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@link NativeAccess} through the FFM API. Lives in the named module {@code io.vdsoagent.ffm}, the
 * only module the agent grants native access (see {@code FfmLayer}); do not load it any other way.
 *
 * <p>libc's own definitions are linked (a lookup of {@code libc.so.6}, whose scope has no
 * {@code LD_PRELOAD} interposer), like jnr's {@code dlopen("libc.so.6")}; only {@link #dlsym} on RTLD_DEFAULT
 * asks the global scope. Pointers are passed as {@code JAVA_LONG}, which the LP64 calling conventions of every
 * architecture in {@link ArchTable} pass exactly like an address. The errno-free variants are
 * {@link Linker.Option#critical critical} downcalls (no thread-state transition): the calls are short
 * and never block, and the timing loops should measure libc, not the transition.
 */
public final class FfmNativeAccess implements NativeAccess {
    private final ArchTable.Arch arch;
    /** Per-thread capture state: written by the downcall stub right after each errno-saving call. */
    private final ThreadLocal<MemorySegment> callState =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Handles.CAPTURE));

    /**
     * Grants native access to this module alone; callable only once {@code java.lang} is open to it
     * (FfmLayer arranges that through the agent's Instrumentation). Not a restricted method, so no warning.
     */
    public static void grantThisModuleNativeAccess() throws ReflectiveOperationException {
        java.lang.reflect.Method grant = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
        grant.setAccessible(true);
        grant.invoke(FfmNativeAccess.class.getModule());
    }

    public FfmNativeAccess(ArchTable.Arch arch) {
        this.arch = arch;
        // One real call proves the linker works here; a failure surfaces now, not inside a probe.
        abs(-1);
    }

    @Override
    public String implementation() {
        return "ffm";
    }

    @Override
    public ArchTable.Arch arch() {
        return arch;
    }

    @Override
    public NativeBuffer allocate(int bytes) {
        // An automatic arena: freed only once the segment (held by the buffer) is unreachable.
        return new FfmBuffer(Arena.ofAuto().allocate(bytes, 16), bytes);
    }

    @Override
    public int clockGettime(int clockId, long timespec) {
        try {
            return (int) Handles.CLOCK_GETTIME.invokeExact(callState.get(), clockId, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int clockGettimeFast(int clockId, long timespec) {
        try {
            return (int) Handles.CLOCK_GETTIME_FAST.invokeExact(clockId, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long syscall3(long number, long arg1, long arg2, long arg3) {
        try {
            return (long) Handles.SYSCALL3.invokeExact(callState.get(), number, arg1, arg2, arg3);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long syscall2Fast(long number, long arg1, long arg2) {
        try {
            return (long) Handles.SYSCALL2_FAST.invokeExact(number, arg1, arg2);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        try {
            return (int) Handles.PRCTL.invokeExact(callState.get(), option, arg2, arg3, arg4, arg5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getrusage(int who, long rusage) {
        try {
            return (int) Handles.GETRUSAGE.invokeExact(callState.get(), who, rusage);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long getauxval(long type) {
        try {
            return (long) Handles.GETAUXVAL.invokeExact(type);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int uname(long utsname) {
        try {
            return (int) Handles.UNAME.invokeExact(callState.get(), utsname);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int abs(int value) {
        try {
            return (int) Handles.ABS.invokeExact(value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long dlsym(long handle, String name) {
        if (Handles.DLSYM == null) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            return (long) Handles.DLSYM.invokeExact(handle, arena.allocateFrom(name));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long dlopen(String file, int flags) {
        if (Handles.DLOPEN == null) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            return (long) Handles.DLOPEN.invokeExact(arena.allocateFrom(file), flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Handles.OPEN.invokeExact(callState.get(), arena.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long read(int fd, long buffer, long count) {
        try {
            return (long) Handles.READ.invokeExact(callState.get(), fd, buffer, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int close(int fd) {
        try {
            return (int) Handles.CLOSE.invokeExact(callState.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int lastErrno() {
        return callState.get().get(JAVA_INT, Handles.ERRNO_OFFSET);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** The downcall handles: stateless, linked once, constant for the JIT. */
    private static final class Handles {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = libc();
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        static final Linker.Option SAVE_ERRNO = Linker.Option.captureCallState("errno");
        static final Linker.Option CRITICAL = Linker.Option.critical(false);

        static final MethodHandle CLOCK_GETTIME = link("clock_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), SAVE_ERRNO);
        static final MethodHandle CLOCK_GETTIME_FAST = link("clock_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), CRITICAL);
        // long syscall(long number, ...): variadic after the first argument.
        static final MethodHandle SYSCALL3 = link("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                SAVE_ERRNO, Linker.Option.firstVariadicArg(1));
        static final MethodHandle SYSCALL2_FAST = link("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                CRITICAL, Linker.Option.firstVariadicArg(1));
        // int prctl(int option, ...): variadic after the first argument.
        static final MethodHandle PRCTL = link("prctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                SAVE_ERRNO, Linker.Option.firstVariadicArg(1));
        static final MethodHandle GETRUSAGE = link("getrusage",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), SAVE_ERRNO);
        static final MethodHandle GETAUXVAL = link("getauxval",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), CRITICAL);
        static final MethodHandle UNAME = link("uname", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), SAVE_ERRNO);
        static final MethodHandle ABS = link("abs", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CRITICAL);
        static final MethodHandle DLSYM = linkDl("dlsym", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS));
        static final MethodHandle DLOPEN = linkDl("dlopen", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
        // int open(const char *path, int flags, ...): the mode is read only with O_CREAT/O_TMPFILE,
        // which callers never pass, so the two fixed arguments are the whole call.
        static final MethodHandle OPEN = link("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), SAVE_ERRNO);
        static final MethodHandle READ = link("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), SAVE_ERRNO);
        static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), SAVE_ERRNO);

        private Handles() {
        }

        /** glibc's libc by soname (its own definitions); other C libraries through the JDK's default lookup. */
        private static SymbolLookup libc() {
            try {
                return SymbolLookup.libraryLookup("libc.so.6", Arena.global());
            } catch (IllegalArgumentException notGlibc) {
                return LINKER.defaultLookup();
            }
        }

        private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            MemorySegment symbol = LIBC.find(name)
                    .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
            return LINKER.downcallHandle(symbol, descriptor, options);
        }

        /** dlsym/dlopen: in libc since glibc 2.34, in libdl before; null when neither has it. */
        private static MethodHandle linkDl(String name, FunctionDescriptor descriptor) {
            java.util.Optional<MemorySegment> symbol = LIBC.find(name);
            if (symbol.isEmpty()) {
                try {
                    symbol = SymbolLookup.libraryLookup("libdl.so.2", Arena.global()).find(name);
                } catch (IllegalArgumentException noLibdl) {
                    return null;
                }
            }
            return symbol.map(s -> LINKER.downcallHandle(s, descriptor)).orElse(null);
        }
    }

    /** Holds the segment: its automatic arena frees the memory only once the segment is unreachable. */
    private static final class FfmBuffer extends NativeBuffer {
        private final MemorySegment segment;

        FfmBuffer(MemorySegment segment, int size) {
            super(segment.address(), size);
            this.segment = segment;
        }

        @Override
        protected void put(byte[] bytes) {
            MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        }

        @Override
        protected void get(int offset, byte[] target, int targetOffset, int length) {
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, target, targetOffset, length);
        }

        @Override
        protected long getLong(int offset) {
            return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        }
    }
}
