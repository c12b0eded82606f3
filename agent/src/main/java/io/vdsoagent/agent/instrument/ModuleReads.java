package io.vdsoagent.agent.instrument;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * On JDK 9+, a class in a named module links to the recorder (in the system loader's unnamed module)
 * only if its module reads that module; named modules don't by default. Before such a class is
 * rewritten, its module gets the read edge ({@code Instrumentation.redefineModule}). Modules of the
 * boot layer are found by package; a class of a named module in a layer the application created itself
 * is not recognised (a known limit, see INSTRUMENTATION.md). Reflection only: we compile for Java 8.
 */
final class ModuleReads {

    private final Instrumentation inst;
    private final Object target;
    private Map<String, Object> bootLayerPackages;

    ModuleReads(Instrumentation inst, Class<?> recorder) {
        this.inst = inst;
        this.target = moduleOf(recorder);
    }

    private static Object moduleOf(Class<?> type) {
        try {
            return Class.class.getMethod("getModule").invoke(type);
        } catch (ReflectiveOperationException java8) {
            return null;
        }
    }

    /** False when the class is in a named module that does not read the recorder and cannot be made to. */
    synchronized boolean ensureReadable(ClassLoader loader, String className) {
        if (target == null || inst == null) {
            return true; // JDK 8: no modules
        }
        int dot = className.lastIndexOf('.');
        Object module = bootLayerPackages().get(dot < 0 ? "" : className.substring(0, dot));
        try {
            if (module == null || module.getClass().getMethod("getClassLoader").invoke(module) != loader) {
                return true; // the loader's unnamed module, which reads every module
            }
            Class<?> moduleClass = Class.forName("java.lang.Module");
            if ((Boolean) moduleClass.getMethod("canRead", moduleClass).invoke(module, target)) {
                return true;
            }
            Method redefine = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class,
                    Map.class, Set.class, Map.class);
            redefine.invoke(inst, module, Collections.singleton(target), Collections.emptyMap(),
                    Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private Map<String, Object> bootLayerPackages() {
        if (bootLayerPackages == null) {
            Map<String, Object> packages = new HashMap<String, Object>();
            try {
                Class<?> layerClass = Class.forName("java.lang.ModuleLayer");
                Class<?> moduleClass = Class.forName("java.lang.Module");
                Object boot = layerClass.getMethod("boot").invoke(null);
                Method getPackages = moduleClass.getMethod("getPackages");
                for (Object module : (Set<?>) layerClass.getMethod("modules").invoke(boot)) {
                    for (Object pkg : (Set<?>) getPackages.invoke(module)) {
                        packages.put((String) pkg, module);
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // no boot layer to consult: treat every class as the unnamed module's
            }
            bootLayerPackages = packages;
        }
        return bootLayerPackages;
    }
}
