package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.SleepyApp;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's size budget, and proof that what the shade step leaves out (issue 16: protobuf,
 * jnr-posix, jnr-constants, ASM's tree/commons/analysis/util, Micrometer's binders, jffi stubs of
 * architectures the agent does not support, and whatever minimizeJar found unreachable) is referenced
 * by no class that ships: every class name in every shipped class's constant pool resolves inside the
 * jar or the JDK.
 */
class LeanJarIT {
    static final long BUDGET_BYTES = 5L * 1024 * 1024;
    private static final String BYTE_BUDDY = "inst/io/vdsoagent/shaded/bytebuddy/";
    private static final String BYTE_BUDDY_ASM = BYTE_BUDDY + "jar/asm/";
    private static final String AGENT_BUILDER = BYTE_BUDDY + "agent/builder/AgentBuilder.classdata";

    @Test
    void jarIsWithinItsBudget() throws IOException {
        long size = AgentJvm.agentJar().length();
        long byteBuddyBeyondAsm = 0;
        boolean agentBuilder;
        try (ZipFile zip = new ZipFile(AgentJvm.agentJar())) {
            agentBuilder = zip.getEntry(AGENT_BUILDER) != null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().startsWith(BYTE_BUDDY) && !entry.getName().startsWith(BYTE_BUDDY_ASM)) {
                    byteBuddyBeyondAsm += entry.getCompressedSize();
                }
            }
        }
        // While the instrumentation still installs through Byte Buddy's AgentBuilder (until the
        // load-time ASM transformer lands), that library beyond its ASM copy is the one allowance;
        // once AgentBuilder is gone the whole jar must fit.
        long allowance = agentBuilder ? byteBuddyBeyondAsm : 0;
        assertTrue(size - allowance <= BUDGET_BYTES, "jar " + size + " bytes, Byte Buddy allowance " + allowance
                + " bytes: " + (size - allowance) + " > budget " + BUDGET_BYTES);
    }

    /**
     * Classes nothing references by constant pool, only by name, survive minimizeJar: the hand-off's
     * implementation, the premain configuration read, and the FFM implementation (JDK 22+ only, so a
     * JDK 17 run would never notice its absence; Temurin 25 silently fell back to name-based guesses).
     */
    @Test
    void classesLoadedByNameShip() throws IOException {
        List<String> missing = new ArrayList<>();
        try (ZipFile zip = new ZipFile(AgentJvm.agentJar())) {
            for (String name : Arrays.asList(io.vdsoagent.bootstrap.AgentStarter.IMPLEMENTATION,
                    "io.vdsoagent.agent.PremainInstrumentation",
                    "io.vdsoagent.nativeaccess.ffm.FfmLayer",
                    "io.vdsoagent.nativeaccess.ffm.impl.FfmNativeAccess",
                    "io.vdsoagent.publish.jfr.JfrClockEvents")) {
                if (zip.getEntry("inst/" + name.replace('.', '/') + ".classdata") == null) {
                    missing.add(name);
                }
            }
        }
        assertEquals(new ArrayList<String>(), missing, "loaded by name but not shipped");
    }

    @Test
    void leftOutPartsAreGone() throws IOException {
        List<String> present = new ArrayList<>();
        try (ZipFile zip = new ZipFile(AgentJvm.agentJar())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.startsWith("inst/jnr/posix/") || name.startsWith("inst/jnr/constants/")
                        || name.startsWith("inst/io/prometheus/metrics/shaded/")
                        || name.startsWith("inst/io/prometheus/metrics/expositionformats/internal/")
                        || name.startsWith("inst/io/micrometer/core/instrument/binder/jvm/")
                        || name.startsWith("inst/org/objectweb/asm/util/")
                        || (name.startsWith("inst/jni/") && !name.startsWith("inst/jni/x86_64-Linux/")
                            && !name.startsWith("inst/jni/aarch64-Linux/") && !name.startsWith("inst/jni/ppc64le-Linux/")
                            && !name.startsWith("inst/jni/s390x-Linux/")
                            && !name.startsWith("inst/jni/riscv64-Linux/")
                            && !name.equals("inst/jni/"))) {
                    present.add(name);
                }
            }
            assertTrue(present.isEmpty(), "should have been left out: " + present.subList(0, Math.min(10, present.size())));
            assertTrue(zip.getEntry("inst/jni/x86_64-Linux/libjffi-1.2.so") != null, "x86_64 stub ships");
            assertTrue(zip.getEntry("inst/jni/aarch64-Linux/libjffi-1.2.so") != null, "aarch64 stub ships");
            assertTrue(zip.getEntry("inst/jni/ppc64le-Linux/libjffi-1.2.so") != null, "ppc64le stub ships (the lab's JDK 17)");
            assertTrue(zip.getEntry("inst/jni/s390x-Linux/libjffi-1.2.so") != null, "s390x stub ships (the lab's JDK 17)");
            assertTrue(zip.getEntry("inst/jni/riscv64-Linux/libjffi-1.2.so") != null, "riscv64 stub ships (Debian 13's JDK 21)");
        }
    }

    @Test
    void everyReferencedClassShips() throws IOException {
        Set<String> shipped = new HashSet<>();
        Set<String> missing = new TreeSet<>();
        try (ZipFile zip = new ZipFile(AgentJvm.agentJar())) {
            List<ZipEntry> classes = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.endsWith(".classdata") && name.startsWith("inst/")) {
                    shipped.add(name.substring(5, name.length() - 10));
                    classes.add(entry);
                } else if (name.endsWith(".class")) {
                    shipped.add(name.substring(0, name.length() - 6));
                    classes.add(entry);
                }
            }
            assertTrue(shipped.size() > 500, "read the jar's classes: " + shipped.size());
            for (ZipEntry entry : classes) {
                try (InputStream in = zip.getInputStream(entry)) {
                    for (String ref : classRefs(in)) {
                        if (!shipped.contains(ref) && !inJdk(ref) && !optional(ref)
                                && !entry.getName().endsWith("/package-info.classdata")) {
                            missing.add(ref + " (from " + entry.getName() + ")");
                        }
                    }
                }
            }
        }
        assertEquals(new TreeSet<String>(), missing, "classes referenced but not shipped");
    }

    @Test
    void everyServiceProviderShips() throws IOException {
        Set<String> missing = new TreeSet<>();
        int providers = 0;
        try (ZipFile zip = new ZipFile(AgentJvm.agentJar())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().startsWith("inst/META-INF/services/") || entry.isDirectory()) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    for (String line : io.vdsoagent.testing.Streams.readUtf8(in).split("\n")) {
                        String provider = line.replaceAll("#.*", "").trim();
                        if (provider.isEmpty()) {
                            continue;
                        }
                        providers++;
                        if (zip.getEntry("inst/" + provider.replace('.', '/') + ".classdata") == null) {
                            missing.add(provider + " (" + entry.getName() + ")");
                        }
                    }
                }
            }
        }
        assertTrue(providers > 0, "the slf4j provider at least is a service");
        assertEquals(new TreeSet<String>(), missing, "service providers listed but not shipped");
    }

    @Test
    void protobufAcceptHeaderGetsText() throws Exception {
        try (AgentJvm app = AgentJvm.start(Arrays.asList(AgentJvm.agentArg("127.0.0.1:0")),
                AgentJvm.testClasses(), SleepyApp.class.getName(), "8000")) {
            int port = app.awaitReadyPort();
            // What Prometheus sends with native histograms on: protobuf first, text formats after.
            AgentJvm.Response r = AgentJvm.get(port, "/metrics", "application/vnd.google.protobuf;"
                    + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,"
                    + "application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.1");
            assertEquals(200, r.status);
            assertTrue(r.contentType.startsWith("application/openmetrics-text"), r.contentType);
            assertTrue(r.body.contains("vdso_image_bytes"), r.body);
            assertTrue(r.body.trim().endsWith("# EOF"), "OpenMetrics ends with # EOF");
        }
    }

    /**
     * Optional dependencies of our libraries that were never part of the agent (the full, unshrunk jar
     * lacks them too); the libraries look for them before use: Byte Buddy's JNA class injector,
     * Micrometer's LatencyUtils pause detector, the Prometheus client's tracer bridge.
     */
    private static boolean optional(String internalName) {
        return internalName.startsWith("com/sun/jna/") || internalName.startsWith("org/LatencyUtils/")
                || internalName.startsWith("io/prometheus/metrics/tracer/initializer/");
    }

    /** Classes the JVM runs this on (java.*, javax.*, jdk.*, sun.*) as far as the JDK has them. */
    private static boolean inJdk(String internalName) {
        // The FFM implementation is loaded only on JDK 22+; a run there (CI's Temurin 25 pass) checks its
        // java.lang.foreign references against a JDK that has them.
        if (internalName.startsWith("java/lang/foreign/") && Runtime.version().feature() < 22) {
            return true;
        }
        ClassLoader platform = AgentClassLoaders.platform();
        return (platform == null ? ClassLoader.getSystemClassLoader() : platform)
                .getResource(internalName + ".class") != null;
    }

    /** Names in the CONSTANT_Class entries of a class file (array descriptors reduced to their element). */
    static List<String> classRefs(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classIndexes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: utf8[i] = in.readUTF(); break;
                case 7: classIndexes.add(in.readUnsignedShort()); break;
                case 8: case 16: case 19: case 20: in.readUnsignedShort(); break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: in.readInt(); break;
                case 5: case 6: in.readLong(); i++; break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                default: throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> refs = new ArrayList<>();
        for (int index : classIndexes) {
            String name = utf8[index];
            if (name.startsWith("[")) {
                int l = name.indexOf('L');
                if (l < 0) {
                    continue;
                }
                name = name.substring(l + 1, name.length() - 1);
            }
            refs.add(name);
        }
        return refs;
    }

    /** The platform loader on JDK 9+, reflectively (the tests also compile for older targets). */
    private static final class AgentClassLoaders {
        static ClassLoader platform() {
            try {
                return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    }
}
