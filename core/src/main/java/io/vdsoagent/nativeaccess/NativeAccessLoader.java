package io.vdsoagent.nativeaccess;

import io.vdsoagent.base.JulSilence;
import io.vdsoagent.base.Probed;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Picks and loads the {@link NativeAccess} implementation: FFM on JDK 22+, jnr-ffi before. Loading can
 * fail in many ways (non-Linux, an unknown architecture, no executable place for jffi's stub, a JDK
 * without FFM): every failure, {@link LinkageError} included, becomes the reason of an unknown value,
 * never an exception.
 *
 * <p>An owner that configures the binding (the agent: its {@code native-dir} and Instrumentation) makes one
 * with {@link #lazy(String, Object)} and passes it down to the prober and the detectors. {@link #shared()}
 * is the library's default for everyone who passes none: one binding per process without configuration
 * (it is stateless apart from per-thread errno; each detector allocates and owns its buffers).
 * {@link #load(String, String, Object)} gives a fresh one (tests, benchmarks).
 *
 * <p>{@code -Dvdso.native=ffm|jnr} forces an implementation (both native paths are tested on JDK 25).
 */
public final class NativeAccessLoader {
    /** System property that forces an implementation; absent or "auto": by JDK version. */
    public static final String IMPLEMENTATION_PROPERTY = "vdso.native";
    static final int FFM_SINCE = 22;
    private static final String FFM_LAYER = "io.vdsoagent.nativeaccess.ffm.FfmLayer";

    private static final Lazy SHARED = new Lazy(null, null);

    private NativeAccessLoader() {
    }

    /** The library's process-wide binding (no native-dir, no Instrumentation), or unknown with the reason. Never throws. */
    public static Probed<NativeAccess> shared() {
        return SHARED.get();
    }

    /**
     * A binding of the owner's, loaded on the first {@code get()} (the first probe), then kept.
     *
     * @param nativeDir       an extra directory the jnr path may use for jffi's stub (the agent's
     *                        {@code native-dir}), or null
     * @param instrumentation the agent's {@code java.lang.instrument.Instrumentation} (typed Object: this
     *                        class loads on JDK 8; on 22+ the FFM side uses it to grant native access to the
     *                        FFM module alone without the JDK's warning), or null
     */
    public static Supplier<Probed<NativeAccess>> lazy(String nativeDir, Object instrumentation) {
        return new Lazy(nativeDir, instrumentation);
    }

    /** Loads once, on first use; {@code -Dvdso.native} picks the implementation. */
    private static final class Lazy implements Supplier<Probed<NativeAccess>> {
        private final String nativeDir;
        private final Object instrumentation;
        private volatile Probed<NativeAccess> loaded;

        Lazy(String nativeDir, Object instrumentation) {
            this.nativeDir = nativeDir;
            this.instrumentation = instrumentation;
        }

        @Override
        public Probed<NativeAccess> get() {
            Probed<NativeAccess> p = loaded;
            if (p == null) {
                synchronized (this) {
                    p = loaded;
                    if (p == null) {
                        p = load(System.getProperty(IMPLEMENTATION_PROPERTY, "auto"), nativeDir, instrumentation);
                        loaded = p;
                    }
                }
            }
            return p;
        }
    }

    /** "native access unavailable: why" when {@link #shared()} is unknown, else null. */
    public static String unavailableReason() {
        Probed<NativeAccess> p = shared();
        return p.known() ? null : unavailable(p.reason());
    }

    /** How every part words a missing binding (the one place for it): "native access unavailable: why". */
    public static String unavailable(String reason) {
        return "native access unavailable: " + reason;
    }

    /**
     * Loads a fresh binding. Never throws.
     *
     * @param implementation "ffm", "jnr" or "auto" (FFM on JDK 22+, jnr before)
     * @param nativeDir      an extra directory for jffi's stub, or null
     * @param instrumentation the agent's Instrumentation, or null
     */
    public static Probed<NativeAccess> load(String implementation, String nativeDir, Object instrumentation) {
        try {
            String os = System.getProperty("os.name", "");
            if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
                return Probed.unknown("not Linux [" + os + "]");
            }
            String osArch = System.getProperty("os.arch", "");
            ArchTable.Arch arch = ArchTable.lookup(osArch);
            if (arch == null) {
                return Probed.unknown("architecture [" + osArch + "] is not in the agent's table (syscall numbers,"
                        + " seccomp audit arch): no native probe rather than a guess");
            }
            String impl = implementation == null ? "auto" : implementation.trim().toLowerCase(Locale.ROOT);
            boolean ffm = "ffm".equals(impl) || (!"jnr".equals(impl) && featureVersion() >= FFM_SINCE);
            return ffm ? loadFfm(arch, instrumentation) : loadJnr(arch, nativeDir);
        } catch (Throwable t) {
            // LinkageError / UnsatisfiedLinkError included: the host JVM must never see them.
            return Probed.unknown(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    private static Probed<NativeAccess> loadJnr(ArchTable.Arch arch, String nativeDir) {
        String missing = missingJdkModule();
        if (missing != null) {
            return Probed.unknown("jnr: " + missing);
        }
        // jffi's and jnr's loggers are the application's JUL's: nothing of ours in its log.
        JulSilence quiet = JulSilence.of("com.kenai.jffi", "jnr.ffi");
        try {
            String notPlaced = JffiStub.place(arch, nativeDir);
            if (notPlaced != null) {
                return Probed.unknown("jnr: " + notPlaced);
            }
            return Probed.<NativeAccess>of(JnrNativeAccess.load(arch));
        } catch (Throwable t) {
            return Probed.unknown("jnr: " + t.getClass().getSimpleName() + ": " + t.getMessage());
        } finally {
            JulSilence.end(quiet);
        }
    }

    /** jffi's StubLoader needs java.logging; a jlink image without it fails there, whatever the directory. */
    static String missingJdkModule() {
        try {
            Class.forName("java.util.logging.Logger", false, null);
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return "jffi needs the JDK module java.logging, which this runtime lacks (add it: jlink --add-modules"
                    + " java.logging,...)";
        }
    }

    /** The FFM classes are compiled for Java 22 and only ever loaded here, on a JDK that has them. */
    private static Probed<NativeAccess> loadFfm(ArchTable.Arch arch, Object instrumentation) {
        int feature = featureVersion();
        if (feature < FFM_SINCE) {
            return Probed.unknown("ffm: needs JDK " + FFM_SINCE + "+, this is " + feature);
        }
        try {
            Class<?> layer = Class.forName(FFM_LAYER, true, NativeAccessLoader.class.getClassLoader());
            Method load = layer.getMethod("load", ArchTable.Arch.class, Object.class);
            return Probed.of((NativeAccess) load.invoke(null, arch, instrumentation));
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable t = e.getCause();
            return Probed.unknown("ffm: " + t.getClass().getSimpleName() + ": " + t.getMessage());
        } catch (Throwable t) {
            return Probed.unknown("ffm: " + t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    /** Runtime.version().feature() on 10+, 8 or 9 before (compiled for Java 8: reflection). */
    static int featureVersion() {
        try {
            Object version = Runtime.class.getMethod("version").invoke(null);
            return (Integer) version.getClass().getMethod("feature").invoke(version);
        } catch (ReflectiveOperationException | RuntimeException e) {
            String spec = System.getProperty("java.specification.version", "1.8");
            return spec.startsWith("1.") ? Integer.parseInt(spec.substring(2)) : Integer.parseInt(spec);
        }
    }
}
