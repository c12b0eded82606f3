package io.vdsoagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher's facts as a premain saw them (JAVA_TOOL_OPTIONS=-javaagent:... on JDK 17 and Temurin 25):
 * jdk.module.main | sun.java.command | input arguments.
 */
class DormancyTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // jcmd, jps, jstack: module jdk.jcmd
        "jdk.jcmd     | jdk.jcmd/sun.tools.jcmd.JCmd -l",
        "jdk.jcmd     | jdk.jcmd/sun.tools.jps.Jps",
        "jdk.jcmd     | jdk.jcmd/sun.tools.jstack.JStack -h",
        "jdk.jartool  | jdk.jartool/sun.tools.jar.Main --version",
        // keytool lives in java.base
        "java.base    | java.base/sun.security.tools.keytool.Main -help",
        "jdk.compiler | jdk.compiler/com.sun.tools.javac.Main -version",
        "jdk.jdeps    | jdk.jdeps/com.sun.tools.jdeps.Main --version",
        "jdk.jshell   | jdk.jshell/jdk.internal.jshell.tool.JShellToolProvider --version",
        "jdk.jlink    | jdk.jlink/jdk.tools.jlink.internal.Main --version",
        "java.rmi     | java.rmi/sun.rmi.registry.RegistryImpl 1099",
    })
    void jdkToolsOnJdk9AndLater(String moduleMain, String command) {
        String reason = Dormancy.reason(moduleMain, command, "SUN_STANDARD");
        assertEquals("JDK tool " + command.split(" ")[0], reason);
    }

    /** JDK 8: the tools run from lib/tools.jar with a plain main class and no jdk.module.main. */
    @ParameterizedTest
    @ValueSource(strings = {
        "sun.tools.jps.Jps -l",
        "sun.tools.jcmd.JCmd 1234 VM.flags",
        "sun.tools.jar.Main cf x.jar .",
        "sun.security.tools.keytool.Main -list",
        "com.sun.tools.javac.Main -version",
        "sun.tools.jstat.Jstat -gc 1234",
        "sun.jvm.hotspot.HSDB",
    })
    void jdkToolsOnJdk8(String command) {
        assertTrue(Dormancy.isJdkToolMainClass(command), command);
        assertNotNull(Dormancy.reason(null, command, "SUN_STANDARD"));
    }

    /** Applications, including ones whose names merely look like tools, start the agent. */
    @ParameterizedTest
    @ValueSource(strings = {
        "org.springframework.boot.loader.launch.JarLauncher",
        "/app/shop-api.jar --server.port=8080",
        "app.jar",
        "io.vdsoagent.demo.ClockDemo --rate=1000",
        "com.example/com.example.Main",
        "org.apache.catalina.startup.Bootstrap start",
        "com.sun.toolsmith.Main",
        "sun.toolsy.Main",
        "/opt/jdk.tools/app.jar",
    })
    void applicationsStartTheAgent(String command) {
        String module = command.contains("/com.example") ? "com.example" : null;
        assertNull(Dormancy.reason(module, command, "SUN_STANDARD"));
    }

    /** java -version, java -XshowSettings ...: the launcher creates a VM but runs no main class. */
    @org.junit.jupiter.api.Test
    void launcherWithoutMainClass() {
        assertNotNull(Dormancy.reason(null, null, "SUN_STANDARD"));
        assertNotNull(Dormancy.reason(null, " ", "SUN_STANDARD"));
        // A VM created through JNI (jsvc, embedders) has no launcher property: start.
        assertNull(Dormancy.reason(null, null, null));
    }

    /** Real command lines of archive-dumping JVMs (Spring Boot CDS training runs, Leyden, jlink images). */
    @ParameterizedTest
    @ValueSource(strings = {
        "-XX:ArchiveClassesAtExit=app.jsa -Dspring.context.exit=onRefresh",
        "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/tmp/app.jsa",
        "-Xshare:dump -XX:SharedClassListFile=classes.lst -XX:SharedArchiveFile=app.jsa",
        "-XX:+UnlockDiagnosticVMOptions -XX:+AllowArchivingWithJavaAgent -XX:ArchiveClassesAtExit=app.jsa",
        "-XX:AOTCacheOutput=app.aot",
        "-XX:AOTMode=record -XX:AOTConfiguration=app.aotconf",
        "-XX:AOTMode=create -XX:AOTConfiguration=app.aotconf -XX:AOTCache=app.aot",
        "-XX:+DumpSharedSpaces",
    })
    void archiveDumpingJvms(String options) {
        List<String> vmArgs = Arrays.asList(("-javaagent:/a/vdso-agent.jar " + options).split(" "));
        String reason = AgentBootstrap.archiveDumpReason(vmArgs);
        assertNotNull(reason, options);
        assertTrue(reason.startsWith("this JVM dumps a CDS/AOT archive (-"), reason);
    }

    /** Using an archive is normal production: the agent runs. */
    @ParameterizedTest
    @ValueSource(strings = {
        "-XX:SharedArchiveFile=app.jsa",
        "-Xshare:auto",
        "-Xshare:on -XX:SharedArchiveFile=app.jsa",
        "-XX:AOTCache=app.aot",
        "-XX:AOTMode=on -XX:AOTCache=app.aot",
        "-XX:AOTMode=auto",
        "-XX:-AutoCreateSharedArchive",
    })
    void archiveUsingJvms(String options) {
        List<String> vmArgs = Arrays.asList(("-javaagent:/a/vdso-agent.jar " + options).split(" "));
        assertNull(AgentBootstrap.archiveDumpReason(vmArgs), options);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "log-level=debug              | true",
        "port=9419,log-level=trace    | true",
        "port=9419, log-level=DEBUG   | true",
        "port=9419,log-level=info     | false",
        "port=9419                    | false",
    })
    void debugLineOnlyWhenAsked(String agentArgs, boolean expected) {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("vdso.agent.log-level") == null
                && System.getenv("VDSO_AGENT_LOG_LEVEL") == null, "log level set from outside the test");
        assertEquals(expected, Dormancy.debugRequested(agentArgs));
    }

    /** The thread reads the VM's own arguments (management beans, 25-100 ms) only when premain's words may miss some. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SUN_STANDARD | /usr/bin/java -javaagent:a.jar -cp app Main         | false",
        "SUN_STANDARD | /usr/bin/java @opts.txt -cp app Main                 | true",
        "SUN_STANDARD | /usr/bin/java -XX:VMOptionsFile=vm.opts -cp app Main | true",
        "SUN_STANDARD | /usr/bin/java -XX:Flags=.hotspotrc -cp app Main      | true",
        "procrun      | /opt/app/bin/app-launcher                           | true",
    })
    void vmArgumentsAreReadOnlyWhenTheCommandLineMayNotShowThemAll(String launcher, String words, boolean expected) {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/proc/self/cmdline").canRead(), "no /proc/self/cmdline");
        assertEquals(expected, Dormancy.optionsBeyondCommandLine(launcher, Arrays.asList(words.trim().split(" "))));
    }
}
