package io.vdsoagent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;

/**
 * What every child-JVM harness of the agent's tests shares (AgentJvm for the agent ITs, FaultJvm for the
 * fault matrix): which java to start (the one running the tests, so a JDK 25 run tests JDK 25), which
 * agent jar, which class path, and which stderr lines are the JDK's and not ours.
 */
public final class ChildJvms {
    /** Every line the agent writes starts with this (StderrLogger and the bootstrap). */
    public static final String AGENT_PREFIX = "vdso-agent:";

    private ChildJvms() {
    }

    /** The packaged agent, as failsafe hands it over ({@code vdso.agent.jar}). */
    public static File agentJar() {
        String path = System.getProperty("vdso.agent.jar");
        File jar = path == null ? null : new File(path);
        if (jar == null || !jar.isFile()) {
            fail("the packaged agent jar is missing [" + path + "]: run through failsafe (mvn -pl agent -am verify)");
        }
        return jar.getAbsoluteFile();
    }

    public static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** The compiled test classes (the child apps live there). */
    public static String testClasses() {
        String dir = System.getProperty("vdso.test-classes");
        return dir != null ? dir : System.getProperty("java.class.path");
    }

    public static int javaFeature() {
        String v = System.getProperty("java.specification.version");
        return v.startsWith("1.") ? 8 : Integer.parseInt(v);
    }

    /**
     * JEP 472 (JDK 24+): only when a test forces the jnr path there (-Dvdso.it.native=jnr); by default
     * JDK 22+ uses FFM from a module granted native access, and no warning is tolerated.
     */
    public static boolean isNativeAccessWarning(String line) {
        return javaFeature() >= 24 && "jnr".equals(System.getProperty("vdso.it.native"))
                && (line.equals("WARNING: A restricted method in java.lang.System has been called")
                || line.startsWith("WARNING: java.lang.System::load has been called by io.vdsoagent.nativeaccess.JffiStub")
                || line.equals("WARNING: Use --enable-native-access=ALL-UNNAMED to avoid a warning for callers in this module")
                || line.equals("WARNING: Restricted methods will be blocked in a future release unless native access is enabled"));
    }
}
