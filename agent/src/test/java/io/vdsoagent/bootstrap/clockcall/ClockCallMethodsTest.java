package io.vdsoagent.bootstrap.clockcall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one table of clock methods against the JDK and against the classes that repeat its names in code. */
class ClockCallMethodsTest {

    @Test
    void everyEntryIsAJdkMethodWithTheDescriptorItNames() throws Exception {
        for (int m = 0; m < ClockCallMethods.COUNT; m++) {
            Class<?> owner = Class.forName(ClockCallMethods.owner(m).replace('/', '.'));
            MethodType type = MethodType.fromMethodDescriptorString(ClockCallMethods.descriptor(m), null);
            Method jdk = owner.getMethod(ClockCallMethods.name(m), type.parameterArray());
            assertEquals(type.returnType(), jdk.getReturnType(), ClockCallMethods.label(m));
            assertEquals(ClockCallMethods.isVirtual(m), !Modifier.isStatic(jdk.getModifiers()), ClockCallMethods.label(m));
        }
    }

    @Test
    void theRecorderAndTheTrampolineHaveEachRecorderMethod() throws Exception {
        for (Class<?> recorder : new Class<?>[] {ClockCallRecorder.class, ClockCallTrampoline.class}) {
            Set<String> entryPoints = new HashSet<String>();
            for (int m = 0; m < ClockCallMethods.COUNT; m++) {
                MethodType type = MethodType.fromMethodDescriptorString(ClockCallMethods.recorderDescriptor(m), null);
                Method method = recorder.getMethod(ClockCallMethods.recorderMethod(m), type.parameterArray());
                assertEquals(type.returnType(), method.getReturnType(), recorder.getSimpleName() + "." + method.getName());
                assertTrue(Modifier.isStatic(method.getModifiers()), recorder.getSimpleName() + "." + method.getName());
                entryPoints.add(method.getName());
            }
            assertEquals(ClockCallMethods.COUNT, entryPoints.size(), recorder.getSimpleName());
        }
    }

    @Test
    void labelsAreTheMetricLabels() {
        assertEquals("nanoTime", ClockCallMethods.label(ClockCallMethods.NANO_TIME));
        assertEquals("Clock.millis", ClockCallMethods.label(ClockCallMethods.CLOCK_MILLIS));
        assertEquals("OffsetDateTime.now", ClockCallMethods.label(ClockCallMethods.OFFSET_DATE_TIME_NOW));
    }
}
