package io.vdsoagent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The clock-call transformer every class passes on its way into the JVM. Registered in premain, so
 * application classes are rewritten as they load and none needs retransforming (a retransformed method
 * that is running stays interpreted for the rest of its frame's life).
 *
 * <p>Order of the checks, cheapest first, so a class that is not the application's or has no clock call
 * costs next to nothing: the defining loader (boot, platform and the agent's own loader are never
 * inspected), then {@link ClockCallPreFilter} over the raw constant pool, then the code source (the
 * JDK's and any {@code -javaagent} jar's classes, ours included, are left alone). Only then is the real
 * rewriter (ASM, in the agent's isolated loader) consulted; it is loaded when the first such class
 * appears, on that class's thread. The recorders live in the system loader, next to this class, not on
 * the boot class path, so the application keeps its CDS archive or AOT cache.
 *
 * <p>JDK only, no logging: the agent reads the counts below for its metrics and report.
 */
public final class ClockCallLoadTime implements ClassFileTransformer {

    /** Indexes of {@link #count(int)}. */
    public static final int SEEN = 0;
    public static final int JDK_OR_AGENT_LOADER = 1;
    public static final int PRE_FILTER_REJECTED = 2;
    public static final int NOT_APPLICATION = 3;
    public static final int REWRITTEN = 4;
    public static final int UNCHANGED = 5;
    public static final int FAILED = 6;
    public static final int REWRITER_NOT_READY = 7;
    public static final int RETRANSFORMATIONS_SEEN = 8;
    public static final int TRANSFORM_NANOS = 9;
    private static final int COUNTS = 10;

    static final String REWRITER_CLASS = "io.vdsoagent.agent.instrument.ClockCallRewriter";
    /** How long a class waits for another thread that is loading the rewriter before it loads unchanged. */
    private static final long REWRITER_WAIT_MILLIS = 2000;

    private static volatile ClockCallLoadTime active;
    private static volatile Class<?> recorderClass = ClockCallRecorder.class;
    private static AgentClassLoader sharedLoader;

    private final Instrumentation inst;
    private final boolean fromPremain;
    private final String agentArgs;
    private final ClassLoader platformLoader;
    private final AtomicLongArray counts = new AtomicLongArray(COUNTS);
    private final AtomicBoolean rewriterRequested = new AtomicBoolean();
    private final CountDownLatch rewriterReady = new CountDownLatch(1);
    private volatile ClassFileTransformer rewriter;
    private volatile Thread loadingRewriter;
    private volatile String notRewritingBecause;
    private volatile List<String> excludedLocations;

    private ClockCallLoadTime(Instrumentation inst, boolean fromPremain, String agentArgs,
            ClassFileTransformer rewriter) {
        this.inst = inst;
        this.fromPremain = fromPremain;
        this.agentArgs = agentArgs;
        this.rewriter = rewriter;
        ClassLoader system = ClassLoader.getSystemClassLoader();
        this.platformLoader = system == null ? null : system.getParent();
    }

    /**
     * premain: registers the transformer; the rewriter itself is loaded later, when a class needs it.
     * Not retransformation-capable on purpose: it is never run for a retransformation, and the JVM
     * keeps its output when another agent retransforms a class.
     */
    static void registerFromPremain(String agentArgs, Instrumentation inst) {
        ClockCallLoadTime transformer = new ClockCallLoadTime(inst, true, agentArgs, null);
        active = transformer;
        inst.addTransformer(transformer, false);
    }

    /** Attach mode: the agent registers this (retransformation-capable) with a rewriter it built itself. */
    public static synchronized ClockCallLoadTime registerForAttach(Instrumentation inst, ClassFileTransformer rewriter) {
        if (active != null) {
            return active;
        }
        ClockCallLoadTime transformer = new ClockCallLoadTime(inst, false, null, rewriter);
        transformer.rewriterRequested.set(true);
        transformer.rewriterReady.countDown();
        active = transformer;
        inst.addTransformer(transformer, true);
        return transformer;
    }

    /** The recorder of the configured count mode; {@link ClockCallTrampoline} copies link to it. */
    public static Class<?> recorderClass() {
        return recorderClass;
    }

    public static void useRecorder(Class<?> recorder) {
        recorderClass = recorder;
    }

    /** The transformer registered in this JVM, or null. */
    public static ClockCallLoadTime active() {
        return active;
    }

    /** The agent's isolated loader, one per JVM, shared by the agent thread and the rewriter's first use. */
    static synchronized AgentClassLoader sharedLoader(File jar) throws IOException {
        if (sharedLoader == null) {
            sharedLoader = new AgentClassLoader(jar, AgentClassLoader.defaultParent());
        }
        return sharedLoader;
    }

    public boolean fromPremain() {
        return fromPremain;
    }

    public long count(int which) {
        return counts.get(which);
    }

    /** Why no class is being rewritten (instrumentation off, the rewriter failed to load), or null. */
    public String notRewritingBecause() {
        return notRewritingBecause;
    }

    /** Stops rewriting (instrument=false): classes loaded from now on stay as they are. */
    public void stop(String because) {
        notRewritingBecause = because;
        inst.removeTransformer(this);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classFile) {
        long start = System.nanoTime();
        try {
            return filterAndRewrite(loader, className, classBeingRedefined, domain, classFile);
        } catch (Throwable t) {
            // Never into the class loader: the class loads unchanged.
            counts.incrementAndGet(FAILED);
            return null;
        } finally {
            counts.addAndGet(TRANSFORM_NANOS, System.nanoTime() - start);
        }
    }

    private byte[] filterAndRewrite(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classFile) throws Exception {
        counts.incrementAndGet(SEEN);
        if (classBeingRedefined != null) {
            counts.incrementAndGet(RETRANSFORMATIONS_SEEN);
        }
        if (isJdkOrAgentLoader(loader)) {
            counts.incrementAndGet(JDK_OR_AGENT_LOADER);
            return null;
        }
        if (!ClockCallPreFilter.mayCallClock(classFile)) {
            counts.incrementAndGet(PRE_FILTER_REJECTED);
            return null;
        }
        if (!isApplication(loader, domain)) {
            counts.incrementAndGet(NOT_APPLICATION);
            return null;
        }
        ClassFileTransformer r = rewriter();
        if (r == null) {
            counts.incrementAndGet(REWRITER_NOT_READY);
            return null;
        }
        byte[] rewritten = r.transform(loader, className, classBeingRedefined, domain, classFile);
        counts.incrementAndGet(rewritten == null ? UNCHANGED : REWRITTEN);
        return rewritten;
    }

    private boolean isJdkOrAgentLoader(ClassLoader loader) {
        return loader == null || loader == platformLoader || loader instanceof AgentClassLoader;
    }

    /**
     * For attach mode: would this loaded class be rewritten? Reads its class file from its loader (no
     * retransformation needed to look) and applies the same checks as at load time.
     */
    public boolean isCandidate(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (isJdkOrAgentLoader(loader)) {
            return false;
        }
        byte[] classFile = classFileOf(loader, type.getName());
        return classFile != null && ClockCallPreFilter.mayCallClock(classFile)
                && isApplication(loader, type.getProtectionDomain());
    }

    private static byte[] classFileOf(ClassLoader loader, String className) {
        InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class");
        if (in == null) {
            return null; // generated at run time: nothing to read, left alone
        }
        try {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                }
                return out.toByteArray();
            } finally {
                in.close();
            }
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Application code: not from the JDK's files nor from any agent's jar (decided by code source, not
     * by package name). Whether the loader can link to the recorder is the rewriter's business: it
     * gives loaders that cannot see the system loader a {@link ClockCallTrampoline}.
     */
    private boolean isApplication(ClassLoader loader, ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location == null || !isExcludedLocation(location);
    }

    private boolean isExcludedLocation(URL location) {
        String protocol = location.getProtocol();
        if ("jrt".equals(protocol)) {
            return true;
        }
        if (!"file".equals(protocol)) {
            return false;
        }
        String path = new File(location.getPath()).getAbsolutePath();
        for (String excluded : excludedLocations()) {
            if (path.equals(excluded) || path.startsWith(excluded + File.separator)) {
                return true;
            }
        }
        return false;
    }

    private List<String> excludedLocations() {
        List<String> known = excludedLocations;
        if (known == null) {
            known = Collections.unmodifiableList(findExcludedLocations());
            excludedLocations = known;
        }
        return known;
    }

    /** java.home, our own jar or classes, and every -javaagent jar named on the command line. */
    private static List<String> findExcludedLocations() {
        List<String> out = new ArrayList<String>();
        addPath(out, System.getProperty("java.home"));
        CodeSource own = ClockCallLoadTime.class.getProtectionDomain().getCodeSource();
        if (own != null && own.getLocation() != null && "file".equals(own.getLocation().getProtocol())) {
            addPath(out, own.getLocation().getPath());
        }
        List<String> args = new ArrayList<String>();
        try {
            byte[] cmdline = Files.readAllBytes(new File("/proc/self/cmdline").toPath());
            Collections.addAll(args, new String(cmdline, StandardCharsets.UTF_8).split("\u0000"));
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc hidden: the options below and the loader checks still apply
        }
        for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
            String value = System.getenv(variable);
            if (value != null) {
                Collections.addAll(args, value.trim().split("\\s+"));
            }
        }
        for (String arg : args) {
            if (arg.startsWith("-javaagent:")) {
                String jar = arg.substring("-javaagent:".length());
                int equals = jar.indexOf('=');
                addPath(out, equals < 0 ? jar : jar.substring(0, equals));
            }
        }
        return out;
    }

    private static void addPath(List<String> out, String path) {
        if (path != null && !path.isEmpty()) {
            File file = new File(path).getAbsoluteFile();
            out.add(file.getPath());
            try {
                out.add(file.getCanonicalPath());
            } catch (IOException e) {
                // the absolute path is there
            }
        }
    }

    /**
     * The rewriter, loaded on first need. One thread loads it; others wait at most
     * {@link #REWRITER_WAIT_MILLIS} (a class loaded meanwhile that needs it stays unchanged and is
     * counted), and the loading thread's own nested class loads never wait for itself.
     */
    private ClassFileTransformer rewriter() throws InterruptedException {
        ClassFileTransformer r = rewriter;
        if (r != null || notRewritingBecause != null) {
            return r;
        }
        if (rewriterRequested.compareAndSet(false, true)) {
            loadingRewriter = Thread.currentThread();
            try {
                r = loadRewriter();
                if (r == null) {
                    stop("instrumentation disabled by configuration");
                }
                rewriter = r;
            } catch (Throwable t) {
                notRewritingBecause = "the rewriter did not load: " + AgentBootstrap.describe(t);
                inst.removeTransformer(this);
            } finally {
                loadingRewriter = null;
                rewriterReady.countDown();
            }
            return r;
        }
        if (loadingRewriter == Thread.currentThread()) {
            return null;
        }
        rewriterReady.await(REWRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        return rewriter;
    }

    private ClassFileTransformer loadRewriter() throws Exception {
        AgentClassLoader loader = sharedLoader(AgentBootstrap.agentJar());
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // libraries that look for services do so in our loader
        try {
            Method forPremain = loader.loadClass(REWRITER_CLASS)
                    .getMethod("forPremain", String.class, Instrumentation.class);
            return (ClassFileTransformer) forPremain.invoke(null, agentArgs, inst);
        } finally {
            thread.setContextClassLoader(context);
        }
    }
}
