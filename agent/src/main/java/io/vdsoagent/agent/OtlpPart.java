package io.vdsoagent.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.bootstrap.clockcall.InputStreams;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP push's class loader: Micrometer's OTLP registry, the OpenTelemetry proto classes, protobuf and
 * our {@code io.vdsoagent.agent.otlp} package live in one nested jar, {@value #PART}, a single entry of
 * the agent jar. The agent jar's central directory, which every JVM with the agent keeps on its heap
 * whether the push is on or not, grows by that one entry and this class instead of by ~800; nothing of
 * the part is read unless {@code otlp-endpoint} is set.
 *
 * <p>Read into memory, never extracted: no temporary file, so it works on a read-only root or with a
 * noexec or absent {@code /tmp}, leaves nothing behind when the JVM is killed and needs no cleanup. Each
 * class's bytes are dropped once it is defined, and the rest once the first export is over (most of the
 * part's ~740 classes are never needed): a class first needed later costs one more pass over the nested
 * jar. Parent: the agent's own class loader (Micrometer's core types, the agent's configuration), so
 * both sides see the same Micrometer classes; the application never sees this loader.
 */
final class OtlpPart extends ClassLoader {
    /** The nested jar, a resource of the agent's class loader (the agent jar's {@code inst/}). */
    static final String PART = "io/vdsoagent/agent/otlp-part.jar";
    /** Inside the part: {@code static Closeable start(AgentArguments, MeterBinder, MeterRegistry, Runnable)}. */
    static final String ENTRY_POINT = "io.vdsoagent.agent.otlp.OtlpPush";
    private static final Logger log = LoggerFactory.getLogger(OtlpPart.class);

    static {
        registerAsParallelCapable();
    }

    private final URL url;
    /** Class file name (a/b/C.class) to its bytes, removed when defined; null once released. */
    private volatile Map<String, byte[]> classes;
    private final long bytesRead;

    private OtlpPart(ClassLoader parent, URL url, Map<String, byte[]> classes, long bytesRead) {
        super(parent);
        this.url = url;
        this.classes = classes;
        this.bytesRead = bytesRead;
    }

    /**
     * Reads the part and starts the push: the part's {@link #ENTRY_POINT} binds {@code meters} to
     * Micrometer's OTLP registry and puts the export counts on {@code scrape}. Null, after one line, when
     * the push is off or cannot start; nothing escapes.
     */
    static Closeable start(AgentArguments config, MeterBinder meters, MeterRegistry scrape) {
        long t0 = System.nanoTime();
        try {
            OtlpPart part = open(OtlpPart.class.getClassLoader());
            Object push = Class.forName(ENTRY_POINT, true, part)
                    .getMethod("start", AgentArguments.class, MeterBinder.class, MeterRegistry.class, Runnable.class)
                    .invoke(null, config, meters, scrape, (Runnable) part::release);
            log.debug("OTLP part: {} bytes of classes read, {} not loaded, {} ms", part.bytesRead, part.bytesHeld(),
                    (System.nanoTime() - t0) / 1_000_000);
            return (Closeable) push;
        } catch (java.lang.reflect.InvocationTargetException e) {
            log.warn("OTLP push not started: {}", e.getCause().toString());
            return null;
        } catch (Exception | LinkageError e) {
            log.warn("OTLP push not started: {}", e.toString());
            return null;
        }
    }

    /** Reads the part from {@code parent}'s resources; IOException when it is missing or unreadable. */
    static OtlpPart open(ClassLoader parent) throws IOException {
        URL url = parent.getResource(PART);
        if (url == null) {
            throw new IOException(PART + " missing from the agent jar");
        }
        Map<String, byte[]> classes = new ConcurrentHashMap<String, byte[]>();
        long total = 0;
        InputStream raw = openPart(url);
        try {
            JarInputStream jar = new JarInputStream(raw, false);
            for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                if (entry.isDirectory() || !entry.getName().endsWith(".class")) {
                    continue; // licence files; the part reads no resources of its own
                }
                byte[] bytes = InputStreams.readAll(jar);
                classes.put(entry.getName(), bytes);
                total += bytes.length;
            }
        } finally {
            raw.close();
        }
        return new OtlpPart(parent, url, classes, total);
    }

    private static InputStream openPart(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        // Cached, a jar: connection would keep a second JarFile of the agent jar open for the JVM's life.
        connection.setUseCaches(false);
        return connection.getInputStream();
    }

    /** Bytes still held: the part's classes not loaded (yet); 0 once released. */
    long bytesHeld() {
        Map<String, byte[]> held = classes;
        long n = 0;
        if (held != null) {
            for (byte[] b : held.values()) {
                n += b.length;
            }
        }
        return n;
    }

    /** The first export is over: the classes it did not need leave the heap. */
    void release() {
        long held = bytesHeld();
        classes = null;
        log.debug("OTLP part: {} bytes of classes not loaded by the first export released", held);
    }

    /** After the release: one pass over the nested jar for the one class. */
    private byte[] readAgain(String entryName) throws IOException {
        InputStream raw = openPart(url);
        try {
            JarInputStream jar = new JarInputStream(raw, false);
            for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                if (entry.getName().equals(entryName)) {
                    log.debug("OTLP part: {} read again", entryName);
                    return InputStreams.readAll(jar);
                }
            }
            return null;
        } finally {
            raw.close();
        }
    }

    /**
     * protobuf uses {@code sun.misc.Unsafe} when it can see it, and JDK 24+ then print a four-line
     * deprecation warning on the application's stderr. Hidden from the part, protobuf takes its own path
     * for platforms without it (it catches the NoClassDefFoundError), at a cost nobody sees once a minute.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals("sun.misc.Unsafe")) {
            throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        // Called under this name's class-loading lock: no other thread defines or removes it meanwhile.
        String entryName = name.replace('.', '/') + ".class";
        Map<String, byte[]> held = classes;
        byte[] bytes;
        try {
            bytes = held != null ? held.remove(entryName) : readAgain(entryName);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length);
    }

    @SuppressWarnings("deprecation") // getPackage: getDefinedPackage does not exist on Java 8
    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot < 0 || getPackage(className.substring(0, dot)) != null) {
            return;
        }
        try {
            definePackage(className.substring(0, dot), null, null, null, null, null, null, null);
        } catch (IllegalArgumentException definedMeanwhile) {
            // another thread won the race; the package exists
        }
    }
}
