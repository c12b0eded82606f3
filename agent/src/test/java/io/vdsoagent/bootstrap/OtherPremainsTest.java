package io.vdsoagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The premain check on a stack; the real JVM's order is OtelAfterUsIT's (OpenTelemetry's own log). */
class OtherPremainsTest {

    private static StackTraceElement frame(String className, String method) {
        return new StackTraceElement(className, method, null, -1);
    }

    @Test
    void aStackUnderTheJvmsPremainCallerIsInPremain() {
        // The main thread while a later agent's premain runs (JDK 17's frames).
        assertTrue(OtherPremains.inPremain(new StackTraceElement[] {
            frame("io.opentelemetry.javaagent.OpenTelemetryAgent", "premain"),
            frame("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0"),
            frame("java.lang.reflect.Method", "invoke"),
            frame("sun.instrument.InstrumentationImpl", "loadClassAndStartAgent"),
            frame("sun.instrument.InstrumentationImpl", "loadClassAndCallPremain"),
        }));
    }

    @Test
    void theApplicationsMainIsNot() {
        assertFalse(OtherPremains.inPremain(Thread.currentThread().getStackTrace()));
        assertTrue(OtherPremains.premainsOver(Thread.currentThread().getStackTrace()));
    }

    @Test
    void anEmptyStackDoesNotEndTheWait() {
        // What a JDK 21+ getStackTrace gives when it could not walk the thread at that moment.
        assertFalse(OtherPremains.premainsOver(new StackTraceElement[0]));
    }

    @Test
    void aThreadOutsideAnyPremainIsNotWaitedFor() throws Exception {
        Thread ended = new Thread(() -> { });
        ended.start();
        ended.join();
        assertTrue(OtherPremains.await(ended, 10_000) < 5_000);
        assertTrue(OtherPremains.await(Thread.currentThread(), 10_000) < 5_000);
    }
}
