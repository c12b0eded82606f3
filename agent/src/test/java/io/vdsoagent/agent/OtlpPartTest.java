package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The part's loader on a nested jar made here from two real class files: a class comes from the bytes read
 * at open, a class first asked for after the release from one more pass over the jar, both defined by the
 * part (the parent cannot see them), and {@code sun.misc.Unsafe} is never visible through it.
 */
class OtlpPartTest {
    private static final String[] CLASSES = {"agentit/SleepyApp.class", "agentit/ExitApp.class"};

    @Test
    void readsAtOpenAndAgainAfterTheRelease() throws Exception {
        Path dir = Files.createTempDirectory("otlp-part");
        File nested = dir.resolve(OtlpPart.PART).toFile();
        assertTrue(nested.getParentFile().mkdirs());
        long total = 0;
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(nested.toPath()))) {
            for (String name : CLASSES) {
                jar.putNextEntry(new JarEntry(name));
                try (InputStream in = OtlpPartTest.class.getClassLoader().getResourceAsStream(name)) {
                    byte[] bytes = io.vdsoagent.testing.Streams.readAll(in);
                    total += bytes.length;
                    jar.write(bytes);
                }
                jar.closeEntry();
            }
        }
        try (URLClassLoader parent = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> parent.loadClass("agentit.SleepyApp"), "the parent sees no part class");
            OtlpPart part = OtlpPart.open(parent);
            assertEquals(total, part.bytesHeld());
            Class<?> first = part.loadClass("agentit.SleepyApp");
            assertSame(part, first.getClassLoader());
            assertNotEquals(agentit.SleepyApp.class, first);
            part.release();
            assertEquals(0, part.bytesHeld());
            Class<?> later = part.loadClass("agentit.ExitApp");
            assertSame(part, later.getClassLoader(), "read again after the release");
            assertSame(first, part.loadClass("agentit.SleepyApp"), "defined once");
            assertThrows(ClassNotFoundException.class, () -> part.loadClass("agentit.NoSuchApp"));
            assertThrows(ClassNotFoundException.class, () -> part.loadClass("sun.misc.Unsafe"));
            assertSame(String.class, part.loadClass("java.lang.String"), "the JDK through the parent");
        }
    }
}
