package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.Streams;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Shading must not collapse the bundled jars' LICENSE/NOTICE files. Ground truth: the dependency jars on
 * this test's class path; a jar counts as bundled when one of its classes is inside the agent jar.
 */
class LicensesIT {

    @Test
    void ourLicenseAndNoticeAreAtTheTop() throws IOException {
        try (JarFile agent = new JarFile(AgentJvm.agentJar())) {
            byte[] license = read(agent, "META-INF/LICENSE");
            assertArrayEquals(Files.readAllBytes(Paths.get(System.getProperty("user.dir"), "..", "LICENSE")), license);
            assertTrue(new String(license, "UTF-8").contains("Apache License\n                           Version 2.0"));
            String notice = new String(read(agent, "META-INF/NOTICE"), "UTF-8");
            assertTrue(notice.startsWith("vdso-agent\n"), notice);
        }
    }

    @Test
    void everyBundledJarKeepsItsOwnLicenseFiles() throws IOException {
        List<String> checked = new ArrayList<>();
        try (JarFile agent = new JarFile(AgentJvm.agentJar())) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                File file = new File(entry);
                if (!file.getName().endsWith(".jar") || !file.isFile()) {
                    continue;
                }
                try (JarFile dependency = new JarFile(file)) {
                    if (!bundled(dependency, agent)) {
                        continue;
                    }
                    String dir = "META-INF/licenses/" + file.getName().replaceAll("\\.jar$", "-jar") + "/";
                    for (Enumeration<JarEntry> e = dependency.entries(); e.hasMoreElements();) {
                        JarEntry legal = e.nextElement();
                        String name = legal.getName();
                        if (!legal.isDirectory() && (name.startsWith("META-INF/LICENSE") || name.startsWith("META-INF/NOTICE")
                                || name.startsWith("META-INF/licenses/"))) {
                            assertArrayEquals(read(dependency, name), read(agent, dir + name), file.getName() + " " + name);
                            checked.add(file.getName() + "!" + name);
                        }
                    }
                }
            }
        }
        // byte-buddy (LICENSE, NOTICE, ASM), four micrometer jars (LICENSE, NOTICE), slf4j, HdrHistogram
        assertTrue(checked.size() >= 13, checked.toString());
        assertTrue(checked.stream().anyMatch(c -> c.startsWith("byte-buddy-") && c.endsWith("META-INF/licenses/ASM")), checked.toString());
        assertTrue(checked.stream().anyMatch(c -> c.startsWith("slf4j-api-")), checked.toString());
    }

    /** One class of the dependency (by its path, relocated as the agent pom does) sits in the agent jar's inst/. */
    private static boolean bundled(JarFile dependency, JarFile agent) {
        for (Enumeration<JarEntry> e = dependency.entries(); e.hasMoreElements();) {
            String name = e.nextElement().getName();
            if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.contains("module-info")) {
                // The agent pom's relocations: Byte Buddy and slf4j live under our own package.
                String path = name.replaceFirst("^net/bytebuddy/", "io/vdsoagent/shaded/bytebuddy/")
                        .replaceFirst("^org/slf4j/", "io/vdsoagent/shaded/slf4j/");
                return agent.getEntry("inst/" + path.replaceAll("\\.class$", ".classdata")) != null;
            }
        }
        return false;
    }

    private static byte[] read(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertNotNull(entry, name + " missing in " + jar.getName());
        return Streams.readAll(jar.getInputStream(entry));
    }
}
