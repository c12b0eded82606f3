package io.vdsoagent.nativeaccess;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads OUR copy of jffi's JNI stub into OUR class loader before jffi looks for one, so jffi never
 * picks another.
 *
 * <p>Left alone, jffi's {@code StubLoader} reads the stub resource through the system class loader
 * first (an application's own {@code jffi-*-native.jar} wins over ours), extracts it to
 * {@code java.io.tmpdir}, and when that is not executable writes it into the application's working
 * directory. Instead: the stub resource is read from the class loader that loaded this class, copied
 * into a fresh private directory under the first candidate where {@code System.load} succeeds
 * ({@code -Djffi.extract.dir} if the user set it, the configured {@code native-dir}, {@code java.io.tmpdir},
 * the agent jar's directory, {@code /dev/shm}), and loaded from there; jffi then finds it through
 * {@code jffi.boot.library.path} (set only while jffi initialises) as already loaded, and the file and its
 * directory are deleted (the mapping stays). When no candidate works, jffi is never initialised and the
 * reason lists every place tried and why it failed. A user's own {@code jffi.boot.library.path} is left
 * to jffi.
 *
 * <p>The property is set JVM-wide for the few milliseconds jffi initialises: an application jffi that
 * initialises in that same instant would load our stub file (as with {@code jffi.unsafe.disabled}).
 */
final class JffiStub {
    static final String BOOT_PATH = "jffi.boot.library.path";
    static final String EXTRACT_DIR = "jffi.extract.dir";
    private static final String STUB_LOADER = "com.kenai.jffi.internal.StubLoader";
    /** jffi 1.x's stub name and resource layout: jni/<cpu>-Linux/libjffi-1.2.so. */
    private static final String LIBRARY_FILE = "libjffi-1.2.so";

    /**
     * The outcome of the one placement per class loader ("" = placed). Loading a second copy of the stub
     * into the same loader would split jffi's native state: methods linked before it bind to one copy,
     * later ones to the other (errno saved by one and read from the other was seen in tests).
     */
    private static String outcome;

    private JffiStub() {
    }

    /** Null when the stub is loaded (or the user chose a boot path); otherwise why not. At most once. */
    static synchronized String place(ArchTable.Arch arch, String nativeDir) {
        if (outcome == null) {
            String failure = placeOnce(arch, nativeDir);
            outcome = failure == null ? "" : failure;
        }
        return outcome.isEmpty() ? null : outcome;
    }

    private static String placeOnce(ArchTable.Arch arch, String nativeDir) {
        if (System.getProperty(BOOT_PATH) != null) {
            return null; // the user pointed jffi at a library of their choice
        }
        ClassLoader own = JffiStub.class.getClassLoader();
        String resource = "jni/" + arch.name() + "-Linux/" + LIBRARY_FILE;
        URL stub = own == null ? ClassLoader.getSystemResource(resource) : own.getResource(resource);
        if (stub == null) {
            return "jffi's stub " + resource + " is not in the agent's class path";
        }
        List<String> failures = new ArrayList<>();
        for (File dir : candidates(nativeDir)) {
            String failure = tryDir(stub, dir);
            if (failure == null) {
                return null;
            }
            failures.add(dir + ": " + failure);
        }
        return "no writable, executable directory for jffi's stub (fix: native-dir=<dir> or -Djffi.extract.dir=<dir>"
                + " on an exec mount); tried " + failures;
    }

    static Set<File> candidates(String nativeDir) {
        Set<File> dirs = new LinkedHashSet<>();
        addIfSet(dirs, System.getProperty(EXTRACT_DIR));
        addIfSet(dirs, nativeDir);
        addIfSet(dirs, System.getProperty("java.io.tmpdir"));
        File jarDir = codeSourceDir();
        if (jarDir != null) {
            dirs.add(jarDir);
        }
        dirs.add(new File("/dev/shm"));
        return dirs;
    }

    private static void addIfSet(Set<File> dirs, String dir) {
        if (dir != null && !dir.trim().isEmpty()) {
            dirs.add(new File(dir.trim()).getAbsoluteFile());
        }
    }

    /** The directory of the jar this class came from (the agent jar), or null for a class directory. */
    private static File codeSourceDir() {
        try {
            CodeSource cs = JffiStub.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return null;
            }
            File f = new File(cs.getLocation().toURI());
            return f.isFile() ? f.getParentFile().getAbsoluteFile() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String tryDir(URL stub, File dir) {
        Path privateDir = null;
        Path library = null;
        try {
            privateDir = Files.createTempDirectory(dir.toPath(), "vdso-agent-jffi");
            library = privateDir.resolve(LIBRARY_FILE);
            // The JVM may exit while we are here (an application's System.exit during our start): the
            // JDK's exit hook then deletes them, the file first (reverse order of registration).
            privateDir.toFile().deleteOnExit();
            library.toFile().deleteOnExit();
            try (InputStream in = stub.openStream(); OutputStream out = Files.newOutputStream(library)) {
                byte[] buffer = new byte[16384];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                }
            }
            // Loaded by this class, so into this class loader: the one jffi's classes belong to.
            System.load(library.toString());
            return initialiseJffi(privateDir.toString());
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            deleteQuietly(library);
            deleteQuietly(privateDir);
        }
    }

    /**
     * Initialises jffi's StubLoader with its boot path pointing at the directory just loaded from; its
     * {@code System.load} of the same file finds it loaded in this loader. The property is restored
     * at once: nobody else's jffi should ever look there.
     */
    private static String initialiseJffi(String dir) throws ReflectiveOperationException {
        String previous = System.getProperty(BOOT_PATH);
        System.setProperty(BOOT_PATH, dir);
        try {
            Class<?> loader = Class.forName(STUB_LOADER, true, JffiStub.class.getClassLoader());
            Object loaded = loader.getMethod("isLoaded").invoke(null);
            if (Boolean.TRUE.equals(loaded)) {
                return null;
            }
            Object cause = loader.getMethod("getFailureCause").invoke(null);
            return "jffi did not take the stub: " + cause;
        } finally {
            if (previous == null) {
                System.clearProperty(BOOT_PATH);
            } else {
                System.setProperty(BOOT_PATH, previous);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException ignored) {
                // a leftover private directory in a tmp dir is harmless; the stub is loaded either way
            }
        }
    }
}
