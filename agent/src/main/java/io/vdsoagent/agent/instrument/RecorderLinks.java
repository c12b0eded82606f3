package io.vdsoagent.agent.instrument;

import io.vdsoagent.bootstrap.clockcall.ClockCallTrampoline;
import io.vdsoagent.bootstrap.clockcall.InputStreams;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Which class a loader's rewritten call sites call: the recorder itself when the loader sees it (the
 * system loader and its descendants: nearly every application loader), else a copy of
 * {@link ClockCallTrampoline} this class defines in that loader (a loader with a null or platform
 * parent), which reaches the recorder through method handles. Null when neither works: the class then
 * stays unchanged. Decided once per loader.
 */
final class RecorderLinks {

    private static final String TRAMPOLINE = ClockCallTrampoline.class.getName();

    private final Instrumentation inst;
    private final Class<?> recorder;
    private final Map<ClassLoader, String> ownerByLoader = new WeakHashMap<ClassLoader, String>();
    private Method defineClass;

    RecorderLinks(Instrumentation inst, Class<?> recorder) {
        this.inst = inst;
        this.recorder = recorder;
    }

    /** Internal name of the class call sites of {@code loader} must call, or null. */
    synchronized String ownerFor(ClassLoader loader) {
        if (ownerByLoader.containsKey(loader)) {
            return ownerByLoader.get(loader);
        }
        String owner = findOwner(loader);
        ownerByLoader.put(loader, owner);
        return owner;
    }

    private String findOwner(ClassLoader loader) {
        if (sees(loader, recorder.getName(), recorder)) {
            return internal(recorder.getName());
        }
        Class<?> trampoline = visible(loader, TRAMPOLINE);
        if (trampoline != null && trampoline.getClassLoader() != ClockCallTrampoline.class.getClassLoader()) {
            return internal(TRAMPOLINE); // a parent of this loader got one already
        }
        try {
            inject(loader);
            return internal(TRAMPOLINE);
        } catch (Throwable t) {
            return null;
        }
    }

    private void inject(ClassLoader loader) throws Exception {
        byte[] bytes = read(ClockCallTrampoline.class.getClassLoader(), TRAMPOLINE.replace('.', '/') + ".class");
        defineClassMethod().invoke(loader, TRAMPOLINE, bytes, 0, bytes.length, null);
    }

    /** ClassLoader.defineClass, made accessible: on JDK 9+ java.base first opens java.lang to our module. */
    private Method defineClassMethod() throws Exception {
        if (defineClass == null) {
            Method m = ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class, int.class,
                    int.class, ProtectionDomain.class);
            openJavaLangToUs();
            m.setAccessible(true);
            defineClass = m;
        }
        return defineClass;
    }

    private void openJavaLangToUs() throws Exception {
        Method getModule;
        try {
            getModule = Class.class.getMethod("getModule");
        } catch (NoSuchMethodException java8) {
            return;
        }
        Object base = getModule.invoke(Object.class);
        Object ours = getModule.invoke(RecorderLinks.class);
        Class<?> moduleClass = Class.forName("java.lang.Module");
        Method redefine = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class,
                Map.class, Set.class, Map.class);
        redefine.invoke(inst, base, Collections.emptySet(), Collections.emptyMap(),
                Collections.singletonMap("java.lang", Collections.singleton(ours)), Collections.emptySet(),
                Collections.emptyMap());
    }

    private static boolean sees(ClassLoader loader, String name, Class<?> expected) {
        return visible(loader, name) == expected;
    }

    private static Class<?> visible(ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (Throwable t) {
            return null;
        }
    }

    private static String internal(String className) {
        return className.replace('.', '/');
    }

    private static byte[] read(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("no " + resource);
        }
        try {
            return InputStreams.readAll(in);
        } finally {
            in.close();
        }
    }
}
