package io.vdsoagent.bootstrap;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Whether this JVM is one the agent must leave alone: a JDK tool ({@code jcmd}, {@code jps}, {@code jar},
 * {@code keytool}, {@code javac}, {@code java -version} ...), which a pod-wide {@code JAVA_TOOL_OPTIONS}
 * starts with the agent too. A JVM dumping a CDS/AOT archive is {@link AgentBootstrap}'s own check (it
 * must load no class of ours); this class gives it the VM's options ({@link #vmOptions}).
 * A dormant agent binds no port, runs no probe and prints nothing unless {@code log-level} is debug.
 *
 * <p>JDK only, like the rest of this package. The facts are what the launcher tells every JVM:
 * {@code jdk.module.main} (JDK 9+ tools are launched as {@code -m jdk.jcmd/sun.tools.jcmd.JCmd}),
 * {@code sun.java.command} (JDK 8 tools: the main class name) and the VM's input arguments, which
 * include {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}.
 */
final class Dormancy {
    /** Main-class prefixes of the JDK's own tools on JDK 8, where they run from tools.jar on the class path. */
    private static final String[] JDK_TOOL_CLASS_PREFIXES = {
        "sun.tools.", "com.sun.tools.", "sun.security.tools.", "jdk.internal.", "jdk.tools.",
        "sun.jvm.hotspot.", "sun.rmi.", "com.sun.jndi.", "jdk.jfr.internal.",
    };

    private Dormancy() {
    }

    /**
     * premain's check for a JDK tool or the java launcher without an application (system properties),
     * before anything is registered; archive dumps are the bootstrap's own check, on the command line
     * at premain and on {@link #vmOptions} on the agent's thread. Prints the one debug line saying why
     * when {@code log-level} is debug or trace. Never throws.
     */
    static boolean standsDownAtPremain(String agentArgs) {
        String reason;
        try {
            reason = reason(System.getProperty("jdk.module.main"), System.getProperty("sun.java.command"),
                    System.getProperty("sun.java.launcher"));
        } catch (Throwable t) {
            reason = null;
        }
        if (reason != null && debugRequested(agentArgs)) {
            System.err.println("vdso-agent: dormant: " + reason);
        }
        return reason != null;
    }

    /**
     * The VM's options: the command line's words as premain read them, or the VM's own input arguments
     * when those may hold more. Never throws.
     */
    static List<String> vmOptions(List<String> commandLine) {
        try {
            // The management beans cost the JVM's start 25-100 ms of class loading: only when the VM may
            // hold options premain could not see (an @argfile, an options file, another launcher).
            return optionsBeyondCommandLine(System.getProperty("sun.java.launcher"), commandLine)
                    ? inputArguments() : commandLine;
        } catch (Throwable t) {
            return commandLine;
        }
    }

    /** Why the agent should stay dormant in a JVM with these launcher facts, or null to start it. */
    static String reason(String moduleMain, String command, String launcher) {
        if (isJdkModule(moduleMain)) {
            return "JDK tool " + firstWord(command);
        }
        if (isJdkToolMainClass(command)) {
            return "JDK tool " + firstWord(command);
        }
        if ("SUN_STANDARD".equals(launcher) && (command == null || command.trim().isEmpty())) {
            // The java launcher without a main class: -version, -XshowSettings, -Xshare:dump and the like.
            return "the java launcher runs no application (java -version or similar)";
        }
        return null;
    }

    /** A module of the JDK itself ({@code java.base}, {@code jdk.jcmd} ...) as the main module. */
    static boolean isJdkModule(String moduleMain) {
        return moduleMain != null && (moduleMain.startsWith("java.") || moduleMain.startsWith("jdk."));
    }

    /** {@code sun.java.command}: the main class (or module/class, or jar) and its arguments. */
    static boolean isJdkToolMainClass(String command) {
        if (command == null) {
            return false;
        }
        String main = firstWord(command);
        int slash = main.indexOf('/');
        if (slash > 0) {
            return isJdkModule(main.substring(0, slash));
        }
        for (String prefix : JDK_TOOL_CLASS_PREFIXES) {
            if (main.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True unless /proc/self/cmdline and the option variables (premain's words) are every option the VM
     * got: the java launcher, no {@code @argfile}, no {@code -XX:VMOptionsFile} or {@code -XX:Flags}.
     */
    static boolean optionsBeyondCommandLine(String launcher, List<String> words) {
        if (!"SUN_STANDARD".equals(launcher) || !new java.io.File("/proc/self/cmdline").canRead()) {
            return true;
        }
        for (String word : words) {
            if (word.startsWith("@") || word.startsWith("-XX:VMOptionsFile") || word.startsWith("-XX:Flags")) {
                return true;
            }
        }
        return false;
    }

    /** The single debug line, only when the user asked for debug output (before any config is parsed). */
    static boolean debugRequested(String agentArgs) {
        try {
            return isDebug(agentArgs);
        } catch (Throwable t) {
            return false;
        }
    }

    private static boolean isDebug(String agentArgs) {
        String level = System.getProperty("vdso.agent.log-level", System.getenv("VDSO_AGENT_LOG_LEVEL"));
        if (agentArgs != null) {
            for (String pair : agentArgs.split(",")) {
                if (pair.trim().startsWith("log-level=")) {
                    level = pair.trim().substring("log-level=".length());
                }
            }
        }
        level = level == null ? "" : level.trim().toLowerCase(Locale.ROOT);
        return "debug".equals(level) || "trace".equals(level);
    }

    private static List<String> inputArguments() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (Throwable t) {
            return Collections.emptyList();
        }
    }

    private static String firstWord(String command) {
        String trimmed = command == null ? "" : command.trim();
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }
}
