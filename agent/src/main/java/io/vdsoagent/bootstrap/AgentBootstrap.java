package io.vdsoagent.bootstrap;

import io.vdsoagent.bootstrap.clockcall.ClockCallLoadTime;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Premain-Class, Agent-Class and Main-Class of vdso-agent.jar.
 *
 * <p>Do as little as possible here: this class sits on the system class path next to the application
 * (the JVM puts the agent jar there), so it uses only the JDK, keeps no static state
 * besides the loaded-once guard (a system property, so a second copy of the jar sees it too) and never
 * logs: the real agent, with its logger, lives in {@link AgentClassLoader} and starts on one daemon
 * thread named {@code vdso-agent}. Nothing thrown here may reach the JVM: the application must start
 * whatever happens to us.
 */
public final class AgentBootstrap {
    /** Set (to the jar's path) by the first copy that starts; later copies stand down. */
    public static final String LOADED_PROPERTY = "io.vdsoagent.loaded";
    static final String CLI_CLASS = "io.vdsoagent.agent.cli.Cli";
    /** The rewriter premain's transformer loads in our loader on the first class with a clock call. */
    static final String REWRITER_CLASS = "io.vdsoagent.agent.PremainInstrumentation";
    static final String THREAD_NAME = "vdso-agent";
    /**
     * Options that make this JVM write a CDS archive or an AOT cache (JDK 8u..25), matched by prefix.
     * Here rather than in Dormancy: premain checks them without loading another class of ours.
     */
    static final String[] ARCHIVE_DUMP_OPTIONS = {
        "-Xshare:dump", "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:+DumpSharedSpaces",
        "-XX:AOTCacheOutput", "-XX:AOTMode=record", "-XX:AOTMode=create",
    };

    private AgentBootstrap() {
    }

    public static void premain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst, true);
    }

    public static void agentmain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst, false);
    }

    /** The CLI: {@code java -jar vdso-agent.jar report|attach|help}. Its own process, so it may exit. */
    public static void main(String[] args) {
        System.exit(CliMain.run(args));
    }

    /**
     * Its own class so that verifying premain's class loads no AgentClassLoader (a standing-down agent
     * loads nothing but this class and its checks).
     */
    private static final class CliMain {
        static int run(String[] args) {
            try {
                File jar = agentJar();
                AgentClassLoader loader = new AgentClassLoader(jar, AgentClassLoader.defaultParent());
                Thread.currentThread().setContextClassLoader(loader);
                Method run = loader.loadClass(CLI_CLASS).getMethod("run", String[].class, File.class);
                return (Integer) run.invoke(null, args, jar);
            } catch (Throwable t) {
                System.err.println("vdso-agent: " + describe(t));
                return 1;
            }
        }
    }

    private static void start(String agentArgs, Instrumentation inst, boolean fromPremain) {
        long entered = System.nanoTime();
        try {
            Object first = System.getProperties().putIfAbsent(LOADED_PROPERTY, fromPremain ? "premain" : "agentmain");
            if (first != null) {
                // The first copy owns the logger; a second copy cannot reach it, hence stderr.
                System.err.println("vdso-agent: already loaded (" + first + "), ignoring " + jarOrUnknown());
                return;
            }
            // Standing down sets nothing up: no transformer, no rewriter, no thread (issue 24: a
            // transformer registered before the heap check still cost a 16 MiB heap its last megabyte).
            // The constant is inlined: HeapFloor loads only to word the line (an AOT training run
            // prints one line per class of ours that loads).
            long maxHeap = Runtime.getRuntime().maxMemory();
            if (maxHeap > 0 && maxHeap < HeapFloor.MIN_MAX_HEAP) {
                System.err.println("vdso-agent: not started: " + HeapFloor.tooSmall(maxHeap));
                return;
            }
            // Checked here, not in Dormancy: an AOT training run lists every class of ours that loads.
            String dump = archiveDumpReason(commandLineOptions());
            if (dump != null) {
                // Dormancy (which parses the level) loads only when a level was set at all.
                boolean levelSet = agentArgs != null && agentArgs.contains("log-level")
                        || System.getProperty("vdso.agent.log-level") != null
                        || System.getenv("VDSO_AGENT_LOG_LEVEL") != null;
                if (levelSet && Dormancy.debugRequested(agentArgs)) {
                    System.err.println("vdso-agent: dormant: " + dump);
                }
                return;
            }
            if (Dormancy.standsDownAtPremain(agentArgs)) {
                return;
            }
            AtomicLong premainNanos = new AtomicLong(-1);
            Launcher launcher = new Launcher(agentArgs, inst, fromPremain, entered, premainNanos, Thread.currentThread());
            if (fromPremain) {
                // Classes are rewritten as they load, so none needs retransforming later (issue #18).
                ClockCallLoadTime.registerFromPremain(launcher, inst);
            }
            // Everything else, even finding our own jar, happens on the agent's thread: the
            // application's main must not wait for us.
            Thread thread = new Thread(launcher, THREAD_NAME);
            thread.setDaemon(true);
            thread.start();
            premainNanos.set(System.nanoTime() - entered);
        } catch (Throwable t) {
            // Don't rethrow: the application must start. No logger exists here, so just print.
            System.err.println("vdso-agent: not started: " + describe(t));
        }
    }

    /** Why the agent stays dormant when one of the VM's options writes an archive (the first such), or null. */
    static String archiveDumpReason(List<String> vmArgs) {
        for (String arg : vmArgs) {
            for (String option : ARCHIVE_DUMP_OPTIONS) {
                if (arg.startsWith(option)) {
                    return "this JVM dumps a CDS/AOT archive (" + arg + ")";
                }
            }
        }
        return null;
    }

    /** /proc/self/cmdline and JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, _JAVA_OPTIONS, split into words. */
    static List<String> commandLineOptions() {
        List<String> out = new ArrayList<>();
        try (InputStream in = new FileInputStream("/proc/self/cmdline")) {
            // Read here, not with InputStreams: every class of ours premain loads is a line in an AOT run.
            byte[] all = new byte[0];
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0 && all.length < (1 << 20); ) {
                byte[] grown = new byte[all.length + n];
                System.arraycopy(all, 0, grown, 0, all.length);
                System.arraycopy(buf, 0, grown, all.length, n);
                all = grown;
            }
            int start = 0;
            for (int i = 0; i <= all.length; i++) {
                if (i == all.length || all[i] == 0) {
                    if (i > start) {
                        out.add(new String(all, start, i - start, StandardCharsets.UTF_8));
                    }
                    start = i + 1;
                }
            }
        } catch (Throwable t) {
            // Not Linux, or no /proc: the thread's full check still runs.
        }
        for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
            String value = System.getenv(variable);
            if (value != null) {
                for (String word : value.trim().split("\\s+")) {
                    out.add(word);
                }
            }
        }
        return out;
    }

    private static String jarOrUnknown() {
        try {
            return agentJar().getPath();
        } catch (Exception e) {
            return "this copy";
        }
    }

    /**
     * Builds the isolated class loader and hands over to the real agent, off the application's thread.
     * The owner of that loader (one per JVM: only the first copy gets this far): the agent thread and
     * the load-time transformer's first rewritten class share it, whichever comes first builds it.
     */
    private static final class Launcher implements Runnable, Callable<ClassFileTransformer> {
        private final String agentArgs;
        private final Instrumentation inst;
        private final boolean fromPremain;
        private final long entered;
        private final AtomicLong premainNanos;
        private final Thread premainThread; // the JVM's main thread, which runs every agent's premain
        private ClassLoader loader; // guarded by this; a ClassLoader here: only Launch names AgentClassLoader

        Launcher(String agentArgs, Instrumentation inst, boolean fromPremain, long entered, AtomicLong premainNanos,
                 Thread premainThread) {
            this.agentArgs = agentArgs;
            this.premainThread = premainThread;
            this.inst = inst;
            this.fromPremain = fromPremain;
            this.entered = entered;
            this.premainNanos = premainNanos;
        }

        @Override
        public void run() {
            try {
                // Premain saw the command line; an @argfile or an options file shows only in the VM's
                // own arguments. If one of those dumps an archive, stop rewriting at once.
                String dump = archiveDumpReason(Dormancy.vmOptions(commandLineOptions()));
                if (dump != null) {
                    if (Dormancy.debugRequested(agentArgs)) {
                        System.err.println("vdso-agent: dormant: " + dump);
                    }
                    ClockCallLoadTime.standDown(inst);
                    return;
                }
                long grace = fromPremain ? LaunchGrace.millis(agentArgs) : 0;
                if (grace > 0) {
                    // The JVM's start first (start-delay=auto): the agents listed after us, then a grace.
                    OtherPremains.await(premainThread, OtherPremains.MAX_MILLIS);
                    Thread.sleep(grace);
                }
                // The jar is on the system class path (no Boot-Class-Path: it would cost the
                // application its CDS archive), and so are the recorders rewritten call sites link to.
                File jar = agentJar();
                Launch.launch(agentArgs, inst, fromPremain, entered, premainNanos, jar, sharedLoader(jar));
            } catch (Throwable t) {
                System.err.println("vdso-agent: not started: " + describe(t));
            }
        }

        synchronized ClassLoader sharedLoader(File jar) throws Exception {
            if (loader == null) {
                loader = Launch.newLoader(jar);
            }
            return loader;
        }

        /** The rewriter for premain's transformer, loaded in our loader; a failure says why in its message. */
        @Override
        public ClassFileTransformer call() throws Exception {
            try {
                ClassLoader ours = sharedLoader(agentJar());
                Thread thread = Thread.currentThread();
                ClassLoader context = thread.getContextClassLoader();
                thread.setContextClassLoader(ours); // libraries that look for services do so in our loader
                try {
                    Method forPremain = ours.loadClass(REWRITER_CLASS)
                            .getMethod("forPremain", String.class, Instrumentation.class);
                    return (ClassFileTransformer) forPremain.invoke(null, agentArgs, inst);
                } finally {
                    thread.setContextClassLoader(context);
                }
            } catch (Throwable t) {
                throw new Exception(describe(t), t);
            }
        }
    }

    /** Its own class for the same reason as {@link CliMain}: it names AgentClassLoader. */
    static final class Launch {
        private Launch() {
        }

        static ClassLoader newLoader(File jar) throws Exception {
            return new AgentClassLoader(jar, AgentClassLoader.defaultParent());
        }

        /** Starts the real agent in our class loader, on the calling thread. */
        static void launch(String agentArgs, Instrumentation inst, boolean fromPremain, long entered,
                           AtomicLong premainNanos, File jar, ClassLoader loader) throws Exception {
            Thread.currentThread().setContextClassLoader(loader);
            AgentStarter starter = (AgentStarter) loader.loadClass(AgentStarter.IMPLEMENTATION)
                    .getDeclaredConstructor().newInstance();
            starter.start(new AgentStarter.Launch(agentArgs, inst, fromPremain, jar, entered, premainNanos));
        }
    }

    /**
     * The agent jar. When boot-loaded this class has no CodeSource, so fall back to the URL of its own
     * class file, which the system loader finds either way.
     */
    static File agentJar() throws Exception {
        CodeSource source = AgentBootstrap.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            return new File(source.getLocation().toURI());
        }
        String self = AgentBootstrap.class.getName().replace('.', '/') + ".class";
        URL url = ClassLoader.getSystemResource(self);
        if (url == null) {
            throw new IllegalStateException("cannot find " + self + " to locate the agent jar");
        }
        return jarOf(url);
    }

    /** {@code jar:file:/a/b.jar!/x/Y.class} to {@code /a/b.jar}. */
    static File jarOf(URL url) throws Exception {
        if (!"jar".equals(url.getProtocol())) {
            throw new IllegalStateException("not inside a jar: " + url);
        }
        String spec = url.getPath();
        int bang = spec.indexOf("!/");
        return new File(new URI(bang < 0 ? spec : spec.substring(0, bang)));
    }

    /** Like core's {@code base.Failures.describe}, which this JDK-only class cannot see. */
    static String describe(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof InvocationTargetException || cause instanceof ExceptionInInitializerError)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
