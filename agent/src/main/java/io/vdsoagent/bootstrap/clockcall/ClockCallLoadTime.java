package io.vdsoagent.bootstrap.clockcall;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

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
 * appears, on that class's thread. The recorder lives in the system loader, next to this class, not on
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
    /** Part of TRANSFORM_NANOS: loading the rewriter (ASM, configuration) on the first class that needed it. */
    public static final int REWRITER_LOAD_NANOS = 10;
    /** A method would pass 64 KiB with the recorder calls (ASM's Method/ClassTooLargeException): unchanged. */
    public static final int TOO_LARGE = 11;
    private static final int COUNTS = 12;
    /** How many too-large class names are kept for /report (the count has them all). */
    private static final int TOO_LARGE_NAMES = 10;

    /** How long a class waits for another thread that is loading the rewriter before it loads unchanged. */
    private static final long REWRITER_WAIT_MILLIS = 2000;

    private static volatile ClockCallLoadTime active;

    private final Instrumentation inst;
    private final boolean fromPremain;
    private final Callable<ClassFileTransformer> rewriterSource;
    private final ClassLoader platformLoader;
    /** AtomicLong, not AtomicLongArray: the latter's VarHandles cost premain a few ms to load. */
    private final AtomicLong[] counts = new AtomicLong[COUNTS];
    private final Object rewriterLock = new Object();
    private boolean rewriterRequested; // guarded by rewriterLock
    private boolean rewriterReady; // guarded by rewriterLock
    private volatile ClassFileTransformer rewriter;
    private volatile Thread loadingRewriter;
    private volatile String notRewritingBecause;
    private volatile Class<?>[] loadedBefore;
    /** The agent's handle on this transformer once installed (typed Object: this package names nothing of the agent's). */
    private volatile Object owner;
    private final String[] tooLargeNames = new String[TOO_LARGE_NAMES];

    private ClockCallLoadTime(Instrumentation inst, boolean fromPremain,
            Callable<ClassFileTransformer> rewriterSource, ClassFileTransformer rewriter) {
        this.inst = inst;
        this.fromPremain = fromPremain;
        this.rewriterSource = rewriterSource;
        this.rewriter = rewriter;
        for (int i = 0; i < COUNTS; i++) {
            counts[i] = new AtomicLong();
        }
        this.rewriterRequested = rewriter != null;
        this.rewriterReady = rewriter != null;
        ClassLoader system = ClassLoader.getSystemClassLoader();
        this.platformLoader = system == null ? null : system.getParent();
    }

    /**
     * premain: registers the transformer; the rewriter itself is loaded later, when a class needs it.
     * Not retransformation-capable: the JVM keeps its output when another agent retransforms a class, and
     * a capable registration costs premain a second JVMTI environment. On JDK 24+ an AOT cache can load
     * application classes before premain: those are listed here, for {@link #forRetransforming}.
     *
     * @param rewriterSource loads the rewriter in the agent's loader (the bootstrap owns that loader);
     *        returns null when configuration turned instrumentation off, throws with a message that says why
     */
    public static void registerFromPremain(Callable<ClassFileTransformer> rewriterSource, Instrumentation inst) {
        ClockCallLoadTime transformer = new ClockCallLoadTime(inst, true, rewriterSource, null);
        active = transformer;
        inst.addTransformer(transformer, false);
        if (!System.getProperty("java.specification.version", "").startsWith("1.")
                && Integer.parseInt(System.getProperty("java.specification.version")) >= 24) {
            transformer.loadedBefore = transformer.applicationClassesLoaded();
        }
    }

    /** Classes of application loaders loaded before premain (an AOT cache preloads them); usually none. */
    public Class<?>[] loadedBeforeRegistration() {
        Class<?>[] before = loadedBefore;
        return before == null ? new Class<?>[0] : before.clone();
    }

    /**
     * A retransformation-capable transformer that applies this one to the given classes only: premain
     * mode's way to rewrite the classes an AOT cache loaded before premain, registered off premain.
     */
    public ClassFileTransformer forRetransforming(final java.util.Set<Class<?>> classes) {
        return new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                    ProtectionDomain domain, byte[] classFile) {
                return classBeingRedefined != null && classes.contains(classBeingRedefined)
                        ? ClockCallLoadTime.this.transform(loader, className, classBeingRedefined, domain, classFile)
                        : null;
            }
        };
    }

    private Class<?>[] applicationClassesLoaded() {
        Class<?>[] all = inst.getAllLoadedClasses();
        int n = 0;
        for (Class<?> c : all) {
            if (!isJdkOrAgentLoader(c.getClassLoader())) { // our own classes among them fail isCandidate later
                all[n++] = c;
            }
        }
        Class<?>[] out = new Class<?>[n];
        System.arraycopy(all, 0, out, 0, n);
        return out;
    }

    /** Attach mode: the agent registers this (retransformation-capable) with a rewriter it built itself. */
    public static synchronized ClockCallLoadTime registerForAttach(Instrumentation inst, ClassFileTransformer rewriter) {
        if (active != null) {
            return active;
        }
        ClockCallLoadTime transformer = new ClockCallLoadTime(inst, false, null, rewriter);
        active = transformer;
        inst.addTransformer(transformer, true);
        return transformer;
    }

    /** The agent stands down after premain registered the transformer: unregister it, load nothing. */
    public static synchronized void standDown(Instrumentation inst) {
        ClockCallLoadTime transformer = active;
        if (transformer != null) {
            inst.removeTransformer(transformer);
            active = null;
        }
    }

    /** The transformer registered in this JVM, or null. */
    public static ClockCallLoadTime active() {
        return active;
    }

    /** The handle the agent installed on this transformer, or null. */
    public Object owner() {
        return owner;
    }

    public void owner(Object handle) {
        owner = handle;
    }

    public boolean fromPremain() {
        return fromPremain;
    }

    public long count(int which) {
        return counts[which].get();
    }

    /** The first few classes left unchanged because a method would grow past 64 KiB. */
    public java.util.List<String> tooLargeClasses() {
        java.util.List<String> out = new java.util.ArrayList<String>();
        for (String name : tooLargeNames.clone()) {
            if (name != null) {
                out.add(name);
            }
        }
        return out;
    }

    /** ASM's (relocated) MethodTooLargeException or ClassTooLargeException, by name: this class is JDK-only. */
    static boolean isTooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String name = c.getClass().getSimpleName();
            if ("MethodTooLargeException".equals(name) || "ClassTooLargeException".equals(name)) {
                return true;
            }
        }
        return false;
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
            if (isTooLarge(t)) {
                long n = counts[TOO_LARGE].incrementAndGet();
                if (n <= TOO_LARGE_NAMES) {
                    tooLargeNames[(int) n - 1] = className == null ? "?" : className.replace('/', '.');
                }
            } else {
                counts[FAILED].incrementAndGet();
            }
            return null;
        } finally {
            counts[TRANSFORM_NANOS].addAndGet(System.nanoTime() - start);
        }
    }

    private byte[] filterAndRewrite(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classFile) throws Exception {
        counts[SEEN].incrementAndGet();
        if (classBeingRedefined != null) {
            counts[RETRANSFORMATIONS_SEEN].incrementAndGet();
        }
        if (isJdkOrAgentLoader(loader)) {
            counts[JDK_OR_AGENT_LOADER].incrementAndGet();
            return null;
        }
        if (!ClockCallPreFilter.mayCallClock(classFile)) {
            counts[PRE_FILTER_REJECTED].incrementAndGet();
            return null;
        }
        if (!isApplication(domain)) {
            counts[NOT_APPLICATION].incrementAndGet();
            return null;
        }
        ClassFileTransformer r = rewriter();
        if (r == null) {
            counts[REWRITER_NOT_READY].incrementAndGet();
            return null;
        }
        byte[] rewritten = r.transform(loader, className, classBeingRedefined, domain, classFile);
        counts[rewritten == null ? UNCHANGED : REWRITTEN].incrementAndGet();
        return rewritten;
    }

    private boolean isJdkOrAgentLoader(ClassLoader loader) {
        return loader == null || loader == platformLoader || loader instanceof AgentLoader;
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
        byte[] classFile = ClockCallCodeSources.classFileOf(loader, type.getName());
        return classFile != null && ClockCallPreFilter.mayCallClock(classFile)
                && isApplication(type.getProtectionDomain());
    }

    /**
     * Application code: not from the JDK's files nor from any agent's jar (decided by code source, not
     * by package name). Whether the loader can link to the recorder is the rewriter's business: it
     * gives loaders that cannot see the system loader a {@link ClockCallTrampoline}.
     */
    private static boolean isApplication(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location == null || !ClockCallCodeSources.isExcluded(location);
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
        boolean load;
        synchronized (rewriterLock) {
            load = !rewriterRequested;
            rewriterRequested = true;
        }
        if (load) {
            loadingRewriter = Thread.currentThread();
            long start = System.nanoTime();
            try {
                r = rewriterSource.call();
                if (r == null) {
                    stop("instrumentation disabled by configuration");
                }
                rewriter = r;
            } catch (Throwable t) {
                notRewritingBecause = "the rewriter did not load: " + t.getMessage();
                inst.removeTransformer(this);
            } finally {
                counts[REWRITER_LOAD_NANOS].addAndGet(System.nanoTime() - start);
                loadingRewriter = null;
                synchronized (rewriterLock) {
                    rewriterReady = true;
                    rewriterLock.notifyAll();
                }
            }
            return r;
        }
        if (loadingRewriter == Thread.currentThread()) {
            return null;
        }
        long deadline = System.nanoTime() + REWRITER_WAIT_MILLIS * 1_000_000L;
        synchronized (rewriterLock) {
            long left;
            while (!rewriterReady && (left = deadline - System.nanoTime()) > 0) {
                rewriterLock.wait(left / 1_000_000L + 1);
            }
        }
        return rewriter;
    }

    /**
     * Marks the agent's own class loader (the bootstrap's {@code AgentClassLoader}): its classes are never
     * inspected. A marker here, so this package names nothing of the bootstrap's.
     */
    public interface AgentLoader {
    }
}
