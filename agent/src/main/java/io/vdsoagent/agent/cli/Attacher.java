package io.vdsoagent.agent.cli;

import io.vdsoagent.bootstrap.AgentBootstrap;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;

/**
 * Loads the agent jar into a running JVM through the Attach API, found reflectively: the jdk.attach
 * module's class loader on JDK 9+, tools.jar on JDK 8. The agent jar is compiled for Java 8 and cannot
 * link against either directly.
 */
final class Attacher {
    private static final String VIRTUAL_MACHINE = "com.sun.tools.attach.VirtualMachine";

    private Attacher() {
    }

    static void attach(String pid, File agentJar, String agentArgs) throws Exception {
        Class<?> vmClass = virtualMachineClass();
        Object vm = vmClass.getMethod("attach", String.class).invoke(null, pid);
        try {
            // A copy already running there would only print "already loaded" on that JVM's stderr.
            Properties target = (Properties) vmClass.getMethod("getSystemProperties").invoke(vm);
            String loadedBy = target.getProperty(AgentBootstrap.LOADED_PROPERTY);
            if (loadedBy != null) {
                throw new AlreadyLoadedException("the agent already runs there (loaded by " + loadedBy
                        + "); nothing loaded");
            }
            vmClass.getMethod("loadAgent", String.class, String.class)
                    .invoke(vm, agentJar.getAbsolutePath(), agentArgs);
        } finally {
            vmClass.getMethod("detach").invoke(vm);
        }
    }

    /** The target runs the agent already: the attach is refused, exit status 1. */
    static final class AlreadyLoadedException extends Exception {
        private static final long serialVersionUID = 1L;

        AlreadyLoadedException(String message) {
            super(message);
        }
    }

    private static Class<?> virtualMachineClass() throws Exception {
        try {
            // JDK 9+: jdk.attach is resolved in the boot layer when the JDK has it.
            return Class.forName(VIRTUAL_MACHINE, true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException maybeJava8) {
            File toolsJar = new File(System.getProperty("java.home"), "../lib/tools.jar");
            if (!toolsJar.isFile()) {
                throw new IllegalStateException("no Attach API in this Java runtime (a JRE, or a JDK without jdk.attach)"
                        + "; run the CLI with a full JDK");
            }
            URLClassLoader tools = new URLClassLoader(new URL[] {toolsJar.toURI().toURL()},
                    ClassLoader.getSystemClassLoader());
            return Class.forName(VIRTUAL_MACHINE, true, tools);
        }
    }
}
