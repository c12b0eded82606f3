package io.vdsoagent.nativeaccess;

import io.vdsoagent.base.Probed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The libc binding, loaded lazily and at most once. Loading can fail in many ways (non-Linux, an
 * unknown architecture, jffi cannot extract its library into a noexec or read-only tmp): every
 * failure is caught (including {@link LinkageError}) and remembered as the reason, so native
 * detectors answer "unknown, because native access unavailable: ..." instead of throwing.
 */
public final class NativeAccess {

    private static final Object LOCK = new Object();
    private static volatile Probed<NativeAccess> instance;

    /** Native buffers must never be freed while a probe may still hand their address to the kernel. */
    private static final List<Pointer> NEVER_FREED = new ArrayList<>();

    private final LibC libc;
    private final Runtime runtime;
    private final ArchTable.Arch arch;

    private NativeAccess(LibC libc, Runtime runtime, ArchTable.Arch arch) {
        this.libc = libc;
        this.runtime = runtime;
        this.arch = arch;
    }

    /** The binding, or unknown with the reason it could not be loaded. Never throws. */
    public static Probed<NativeAccess> get() {
        Probed<NativeAccess> p = instance;
        if (p == null) {
            synchronized (LOCK) {
                p = instance;
                if (p == null) {
                    p = load();
                    instance = p;
                }
            }
        }
        return p;
    }

    /** The reason native access is unavailable, prefixed for findings; null when available. */
    public static String unavailableReason() {
        Probed<NativeAccess> p = get();
        return p.known() ? null : "native access unavailable: " + p.reason();
    }

    private static Probed<NativeAccess> load() {
        try {
            String os = System.getProperty("os.name", "");
            if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
                return Probed.unknown("not Linux [" + os + "]");
            }
            String osArch = System.getProperty("os.arch", "");
            ArchTable.Arch arch = ArchTable.lookup(osArch);
            if (arch == null) {
                return Probed.unknown("unknown architecture [" + osArch + "]");
            }
            LibC libc;
            try {
                libc = loader().load("c");
            } catch (LinkageError e) {
                // glibc before 2.34 keeps dlsym/dlopen in libdl.
                libc = loader().library("dl").load("c");
            }
            Runtime runtime = Runtime.getRuntime(libc);
            // One real call proves the stubs link; a broken jffi fails here, not inside a probe.
            libc.abs(-1);
            return Probed.of(new NativeAccess(libc, runtime, arch));
        } catch (Throwable t) {
            // LinkageError / UnsatisfiedLinkError included: the host JVM must never see them.
            return Probed.unknown(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    private static LibraryLoader<LibC> loader() {
        return LibraryLoader.create(LibC.class)
                .map("clock_gettime_fast", "clock_gettime")
                .map("syscall3", "syscall")
                .map("syscall2_fast", "syscall")
                .failImmediately();
    }

    public LibC libc() {
        return libc;
    }

    public ArchTable.Arch arch() {
        return arch;
    }

    /** errno saved by the last {@code @SaveError} call on this thread. */
    public int lastError() {
        return LastError.getLastError(runtime);
    }

    /**
     * A zeroed native buffer that is never freed (kept reachable forever); returns its address.
     * Call sparingly: only for a few fixed-size probe buffers.
     */
    public long allocateForever(int bytes) {
        Pointer p = Memory.allocateDirect(runtime, bytes, true);
        synchronized (NEVER_FREED) {
            NEVER_FREED.add(p);
        }
        return p.address();
    }

    /** Writes bytes into a buffer obtained from {@link #allocateForever(int)}. */
    public void write(long address, byte[] bytes) {
        Pointer p = Pointer.wrap(runtime, address);
        p.put(0, bytes, 0, bytes.length);
    }

    /** Reads a native long from a buffer obtained from {@link #allocateForever(int)}. */
    public long readLong(long address, long offset) {
        return Pointer.wrap(runtime, address).getLong(offset);
    }
}
