package io.vdsoagent.agent.instrument;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Runs in a child JVM (see ClockCallChildJvmTest): loads the fixture in the system class loader, a
 * loader with a null parent and one with the platform parent, runs it BEFORE the instrumentation is
 * installed (so those classes need retransformation), installs, runs it again in each and in fresh
 * loaders (new loading), and prints the counted calls of each step as {@code step method=calls} lines.
 */
public final class ChildScenario {

    private ChildScenario() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        InstrumentedJvm.instrumentation(); // recorder onto the boot class path before anything loads it
        URL fixtures = new File(ChildScenario.class.getClassLoader().getResource("clockapp/ClockCalls.class")
                .toURI()).getParentFile().getParentFile().toURI().toURL();
        ClassLoader platform = (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);

        Class<?> system = Class.forName("clockapp.ClockCalls");
        Class<?> nullParent = new URLClassLoader(new URL[] {fixtures}, null).loadClass("clockapp.ClockCalls");
        Class<?> platformParent = new URLClassLoader(new URL[] {fixtures}, platform).loadClass("clockapp.ClockCalls");
        for (Class<?> c : new Class<?>[] {system, nullParent, platformParent}) {
            run(c, n); // uncounted: not instrumented yet
        }

        CountMode mode = args.length > 1 ? CountMode.parse(args[1]) : CountMode.EXACT;
        ClockCallInstrumentation handle = InstrumentedJvm.handle(mode);
        step(handle, "retransformed-system", system, n);
        step(handle, "retransformed-null-parent", nullParent, n);
        step(handle, "retransformed-platform-parent", platformParent, n);
        step(handle, "loaded-null-parent",
                new URLClassLoader(new URL[] {fixtures}, null).loadClass("clockapp.ClockCalls"), n);
        step(handle, "loaded-platform-parent",
                new URLClassLoader(new URL[] {fixtures}, platform).loadClass("clockapp.ClockCalls"), n);
        System.out.println("failed-classes " + handle.failedClasses());
    }

    private static void step(ClockCallInstrumentation handle, String name, Class<?> fixture, int n) throws Exception {
        long[] before = counts(handle);
        long backwards = run(fixture, n);
        long[] after = counts(handle);
        StringBuilder line = new StringBuilder(name);
        for (ClockMethod m : ClockMethod.values()) {
            line.append(' ').append(m.label()).append('=').append(after[m.index()] - before[m.index()]);
        }
        System.out.println(line.append(" backwards=").append(backwards));
    }

    private static long[] counts(ClockCallInstrumentation handle) {
        handle.stats().expire();
        long[] counts = new long[ClockMethod.count()];
        for (ClockMethod m : ClockMethod.values()) {
            counts[m.index()] = handle.stats().calls(m);
        }
        return counts;
    }

    /** n calls of each of the fixture's kinds; returns how often nanoTime went backwards. */
    static long run(Class<?> fixture, int n) throws Exception {
        long backwards = (Long) method(fixture, "nanoTime").invoke(null, n);
        method(fixture, "currentTimeMillis").invoke(null, n);
        method(fixture, "nanoTimeReference").invoke(null, n);
        method(fixture, "instantNow").invoke(null, n);
        method(fixture, "instantNowReference").invoke(null, n);
        method(fixture, "systemClockInstantAndMillis").invoke(null, n);
        method(fixture, "fixedClockInstant").invoke(null, n);
        method(fixture, "dateTimeNows").invoke(null, Math.min(n, 2000));
        return backwards;
    }

    private static Method method(Class<?> fixture, String name) throws NoSuchMethodException {
        return fixture.getMethod(name, int.class);
    }
}
