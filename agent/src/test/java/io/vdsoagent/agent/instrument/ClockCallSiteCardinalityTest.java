package io.vdsoagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * 10,000 distinct call sites (100 generated classes x 100 methods, each calling System.nanoTime() on
 * its own line) are all counted, but only the top-N become Prometheus series.
 */
class ClockCallSiteCardinalityTest {

    private static final int CLASSES = 100;
    private static final int METHODS = 100;

    @Test
    void tenThousandSitesExportOnlyTheTopN() throws Exception {
        ClockCallInstrumentation handle = InstrumentedJvm.handle();
        int sitesBefore = handle.sites();
        GeneratingLoader loader = new GeneratingLoader();
        Set<String> hottest = new HashSet<String>();
        for (int c = 0; c < CLASSES; c++) {
            Class<?> type = loader.define("clockapp.gen.Sites" + c);
            for (int m = 0; m < METHODS; m++) {
                Method method = type.getMethod("m" + m);
                // 30 sites get 1,000+ calls, the other 9,970 one call each
                int calls = m == 0 && c < 30 ? 1_000 + c : 1;
                for (int i = 0; i < calls; i++) {
                    method.invoke(null);
                }
                if (m == 0 && c < 30 && c >= 30 - InstrumentedJvm.TOP_SITES) {
                    hottest.add("clockapp.gen.Sites" + c + ".m0:1");
                }
            }
        }
        assertTrue(handle.sites() - sitesBefore >= CLASSES * METHODS, "sites: " + handle.sites());

        handle.stats().expire();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        handle.metrics().bindTo(registry);
        Set<String> exported = new HashSet<String>();
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith("jvm_clock_callsite_calls_total{")) {
                int at = line.indexOf("site=\"") + 6;
                exported.add(line.substring(at, line.indexOf('"', at)));
            }
        }
        assertEquals(InstrumentedJvm.TOP_SITES, exported.size(), "exported: " + exported);
        assertEquals(hottest, exported);
    }

    /** Defines generated classes whose methods each call System.nanoTime() at line 1. */
    private static final class GeneratingLoader extends ClassLoader {
        GeneratingLoader() {
            super(ClockCallSiteCardinalityTest.class.getClassLoader());
        }

        Class<?> define(String name) {
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name.replace('.', '/'), null,
                    "java/lang/Object", null);
            for (int m = 0; m < METHODS; m++) {
                MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m" + m, "()J", null, null);
                mv.visitCode();
                Label start = new Label();
                mv.visitLabel(start);
                mv.visitLineNumber(1, start);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
                mv.visitInsn(Opcodes.LRETURN);
                mv.visitMaxs(0, 0);
                mv.visitEnd();
            }
            cw.visitEnd();
            byte[] bytes = cw.toByteArray();
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
