package io.vdsoagent.bootstrap;

import io.vdsoagent.bootstrap.clockcall.ClockCallLoadTime;
import io.vdsoagent.bootstrap.clockcall.InputStreams;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's implementation and all its libraries from {@code inst/} inside the agent jar,
 * where class files are stored as {@code .classdata}: no other class loader can see them, so the
 * application's Byte Buddy, Micrometer, jnr or slf4j and ours never meet.
 *
 * <p>Parent: the platform loader on JDK 9+ (JDK modules such as java.management, jdk.httpserver),
 * the boot loader on JDK 8. Never the application loader.
 *
 * <p>NOTE: no logging in this class: the logger is one of the classes it loads.
 */
final class AgentClassLoader extends ClassLoader implements ClockCallLoadTime.AgentLoader {
    static final String PREFIX = "inst/";
    private static final String CLASS_SUFFIX = ".classdata";
    private static final String BOOTSTRAP_PACKAGE = "io.vdsoagent.bootstrap.";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String entryUrlPrefix;
    private final ProtectionDomain domain;

    AgentClassLoader(File jarFile, ClassLoader parent) throws IOException {
        super(parent);
        this.jar = new JarFile(jarFile, false);
        URL location = jarFile.toURI().toURL();
        // jar:file:/path/vdso-agent.jar!/inst/...: a URL every library can open (jffi reads its
        // native library through one, Micrometer and slf4j their service files).
        this.entryUrlPrefix = "jar:" + location.toExternalForm() + "!/";
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    }

    /** The platform class loader on JDK 9+, found reflectively because we compile for Java 8. */
    static ClassLoader defaultParent() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (NoSuchMethodException java8) {
            return null;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * The bootstrap package (recorders, the load-time transformer) exists once per JVM, in the loader
     * that loaded this class (the system loader: the JVM puts the agent jar on its path), so the agent
     * reads the very counters the application's rewritten call sites write.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(BOOTSTRAP_PACKAGE)) {
            return Class.forName(name, false, AgentClassLoader.class.getClassLoader());
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try {
            bytes = read(entry);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @SuppressWarnings("deprecation") // getPackage: getDefinedPackage does not exist on Java 8
    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        if (getPackage(pkg) != null) {
            return;
        }
        try {
            definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException definedMeanwhile) {
            // another thread won the race; the package exists, which is all we need
        }
    }

    @Override
    protected URL findResource(String name) {
        String entryName = entryName(name);
        if (jar.getEntry(entryName) == null) {
            return null;
        }
        try {
            if (entryName.endsWith(CLASS_SUFFIX)) {
                // Libraries derive base URLs from a class file's URL (jnr's copy of Guava's
                // FinalizableReferenceQueue does), so it keeps the ".class" name; the handler maps it.
                String classFile = PREFIX + (name.startsWith("/") ? name.substring(1) : name);
                return new URL(null, entryUrlPrefix + classFile, ClassDataUrls.HANDLER);
            }
            return new URL(entryUrlPrefix + entryName);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.<URL>emptyEnumeration() : Collections.enumeration(Collections.singleton(url));
    }

    /** Class files are asked for by their real name (Byte Buddy reads them); they are stored renamed. */
    static String entryName(String resourceName) {
        String name = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        return PREFIX + (name.endsWith(".class") ? name.substring(0, name.length() - 6) + CLASS_SUFFIX : name);
    }

    /**
     * The class file in one array of its exact size: no growing buffer, no copy, no scratch buffer per
     * class (a few thousand classes load through here; the old buffered copy allocated ~3x each one).
     */
    private byte[] read(JarEntry entry) throws IOException {
        InputStream in = jar.getInputStream(entry);
        try {
            long size = entry.getSize();
            if (size < 0 || size > Integer.MAX_VALUE - 8) {
                return InputStreams.readAll(in);
            }
            byte[] bytes = new byte[(int) size];
            int off = 0;
            while (off < bytes.length) {
                int n = in.read(bytes, off, bytes.length - off);
                if (n < 0) {
                    throw new IOException(entry.getName() + ": " + off + " of " + size + " bytes");
                }
                off += n;
            }
            return bytes;
        } finally {
            in.close();
        }
    }

}
