package io.vdsoagent.nativeaccess.ffm;

import io.vdsoagent.nativeaccess.ArchTable;
import io.vdsoagent.nativeaccess.NativeAccess;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Puts the FFM implementation into a named module of its own, in a module layer of its own, and
 * enables native access for that module alone ({@link ModuleLayer.Controller#enableNativeAccess}). The
 * JDK then lets it link downcalls without a warning on the application's stderr (JEP 472), while every
 * other module (the application's unnamed ones included) keeps the JDK's default.
 *
 * <p>The module's classes are the {@code ffm.impl} package, read as resources through the class loader
 * that loaded this class (the agent's {@code inst/} loader, or the class path in tests); the layer's
 * loader delegates everything else (our {@link NativeAccess} interface) to that loader, and the module
 * reads that loader's unnamed module. Nothing is extracted; nothing touches the disk.
 *
 * <p>{@code Controller.enableNativeAccess} is itself a restricted method: called from a module without
 * native access (this class's unnamed one, in an agent) it prints the very JEP 472 warning. So it is
 * used when this class already has native access (the CLI: {@code Enable-Native-Access: ALL-UNNAMED} in
 * the manifest; a user's {@code --enable-native-access}); inside an agent, the agent's
 * {@link Instrumentation} opens {@code java.lang} to the FFM module alone, which then grants native
 * access to itself and nothing else. As a library without either, the JDK prints its one warning,
 * naming this class and the flag that silences it.
 *
 * <p>Compiled for Java 22; only loaded by {@code NativeAccessLoader} on JDK 22+.
 */
public final class FfmLayer {
    static final String MODULE = "io.vdsoagent.ffm";
    private static final String PACKAGE = "io.vdsoagent.nativeaccess.ffm.impl";
    private static final String IMPL = PACKAGE + ".FfmNativeAccess";
    private static final String PATH = PACKAGE.replace('.', '/') + "/";

    private FfmLayer() {
    }

    /**
     * @param instrumentation the agent's {@link Instrumentation}, or null
     */
    public static NativeAccess load(ArchTable.Arch arch, Object instrumentation) throws ReflectiveOperationException {
        ClassLoader parent = FfmLayer.class.getClassLoader();
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE)
                .packages(Set.of(PACKAGE))
                .exports(PACKAGE)
                .build();
        ModuleReference reference = new ResourceModule(descriptor, parent);
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return MODULE.equals(name) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(boot), parent);
        Module module = controller.layer().findModule(MODULE).orElseThrow();
        // The implementation implements our interface, which lives in the parent loader's unnamed module.
        controller.addReads(module, parent == null ? ClassLoader.getSystemClassLoader().getUnnamedModule()
                : parent.getUnnamedModule());
        Class<?> impl = controller.layer().findLoader(MODULE).loadClass(IMPL);
        grant(controller, module, impl, instrumentation);
        return (NativeAccess) impl.getConstructor(ArchTable.Arch.class).newInstance(arch);
    }

    private static void grant(ModuleLayer.Controller controller, Module module, Class<?> impl, Object instrumentation)
            throws ReflectiveOperationException {
        if (FfmLayer.class.getModule().isNativeAccessEnabled() || !(instrumentation instanceof Instrumentation inst)) {
            controller.enableNativeAccess(module);
            return;
        }
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(), Map.of("java.lang", Set.of(module)),
                Set.of(), Map.of());
        impl.getMethod("grantThisModuleNativeAccess").invoke(null);
        if (!module.isNativeAccessEnabled()) {
            throw new IllegalStateException("module " + MODULE + " did not get native access");
        }
    }

    /** The module's class files, read through the parent loader (jar entries under inst/, or a directory). */
    private static final class ResourceModule extends ModuleReference {
        private final ClassLoader source;

        ResourceModule(ModuleDescriptor descriptor, ClassLoader source) {
            super(descriptor, null);
            this.source = source;
        }

        @Override
        public ModuleReader open() {
            return new ModuleReader() {
                @Override
                public Optional<URI> find(String name) {
                    return Optional.empty();
                }

                @Override
                public Optional<InputStream> open(String name) {
                    // The module's own package only: nothing else of the parent leaks into it.
                    if (!name.startsWith(PATH) || name.indexOf('/', PATH.length()) >= 0) {
                        return Optional.empty();
                    }
                    return Optional.ofNullable(source == null ? ClassLoader.getSystemResourceAsStream(name)
                            : source.getResourceAsStream(name));
                }

                @Override
                public Stream<String> list() {
                    return Stream.of(PATH + "FfmNativeAccess.class");
                }

                @Override
                public void close() throws IOException {
                }
            };
        }
    }
}
