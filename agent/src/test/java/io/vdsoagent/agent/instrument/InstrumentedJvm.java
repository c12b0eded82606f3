package io.vdsoagent.agent.instrument;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.nio.file.Files;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * One instrumented test JVM: Byte Buddy's self-attach gives an Instrumentation, the recorder classes go
 * onto the boot class path (as the agent jar's Boot-Class-Path puts them) BEFORE anything loads them,
 * and the call-site rewriting is installed once for the {@code clockapp} fixture packages.
 * Every test touching the recorder must call {@link #handle()} first.
 */
final class InstrumentedJvm {

    static final String FIXTURES = "clockapp";
    static final int TOP_SITES = 20;

    private static Instrumentation instrumentation;
    private static ClockCallInstrumentation handle;

    private InstrumentedJvm() {
    }

    static synchronized Instrumentation instrumentation() throws IOException {
        if (instrumentation == null) {
            Instrumentation inst = ByteBuddyAgent.install();
            inst.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar()));
            instrumentation = inst;
        }
        return instrumentation;
    }

    static synchronized ClockCallInstrumentation handle() throws IOException {
        return handle(CountMode.EXACT);
    }

    /** Installs with the given count mode, unless this JVM is instrumented already. */
    static synchronized ClockCallInstrumentation handle(CountMode mode) throws IOException {
        if (handle == null) {
            handle = ClockCallInstrumentation.install(instrumentation(),
                    new InstrumentSettings(true, FIXTURES, "", 1024, TOP_SITES, mode));
            if (!handle.isInstalled()) {
                throw new IllegalStateException("instrumentation not installed: " + handle.notInstalledBecause());
            }
        }
        return handle;
    }

    /** A jar of the compiled io/vdsoagent/bootstrap/ClockCall* classes, found without loading them. */
    static File bootstrapJar() throws IOException {
        URL recorder = InstrumentedJvm.class.getClassLoader()
                .getResource("io/vdsoagent/bootstrap/ClockCallRecorder.class");
        File dir = new File(recorder.getPath()).getParentFile();
        File jar = File.createTempFile("clock-call-bootstrap", ".jar");
        jar.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
            for (File f : dir.listFiles()) {
                if (f.getName().startsWith("ClockCall") && f.getName().endsWith(".class")) {
                    out.putNextEntry(new JarEntry("io/vdsoagent/bootstrap/" + f.getName()));
                    out.write(Files.readAllBytes(f.toPath()));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
