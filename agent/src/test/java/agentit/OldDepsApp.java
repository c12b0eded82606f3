package agentit;

import java.lang.reflect.Method;

/**
 * An application carrying OLD versions of the agent's own libraries on its class path. It uses them
 * reflectively (the test class path has the new versions at compile time) and prints where each class
 * came from and that it worked.
 */
public final class OldDepsApp {
    private OldDepsApp() {
    }

    public static void main(String[] args) throws Exception {
        Thread.sleep(Long.parseLong(args[0]));
        report("net.bytebuddy.ByteBuddy");
        report("io.micrometer.core.instrument.simple.SimpleMeterRegistry");
        report("org.slf4j.LoggerFactory");
        report("jnr.posix.POSIX");

        // Byte Buddy 1.10: build a subclass with the app's own copy.
        Class<?> byteBuddy = Class.forName("net.bytebuddy.ByteBuddy");
        Object unloaded = byteBuddy.getMethod("subclass", Class.class).invoke(byteBuddy.newInstance(), Object.class);
        Object made = unloaded.getClass().getMethod("make").invoke(unloaded);
        Class<?> dynamicType = Class.forName("net.bytebuddy.dynamic.DynamicType$Unloaded");
        Object loaded = dynamicType.getMethod("load", ClassLoader.class).invoke(made, OldDepsApp.class.getClassLoader());
        Class<?> subclass = (Class<?>) loaded.getClass().getMethod("getLoaded").invoke(loaded);
        System.out.println("bytebuddy-subclass=" + (subclass.getSuperclass() == Object.class));

        // Micrometer 1.5: count something with the app's own registry.
        Object registry = Class.forName("io.micrometer.core.instrument.simple.SimpleMeterRegistry").newInstance();
        Object counter = registry.getClass().getMethod("counter", String.class, String[].class)
                .invoke(registry, "app.things", new String[0]);
        Method increment = counter.getClass().getMethod("increment");
        increment.setAccessible(true);
        increment.invoke(counter);
        Method count = counter.getClass().getMethod("count");
        count.setAccessible(true);
        System.out.println("micrometer-count=" + count.invoke(counter));
    }

    private static void report(String className) throws Exception {
        Class<?> type = Class.forName(className, false, OldDepsApp.class.getClassLoader());
        System.out.println(className + "=" + type.getProtectionDomain().getCodeSource().getLocation().getPath());
    }
}
