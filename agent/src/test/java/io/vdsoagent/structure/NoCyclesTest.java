package io.vdsoagent.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.bootstrap.AgentBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * No cycle between the agent module's files (top-level classes, nested ones counted as their file) nor
 * between its packages: each package reads like core's, in one direction. Ground truth is the compiled
 * class files (what jdeps -verbose:class reads), not the sources' imports.
 */
class NoCyclesTest {
    private static final String FIXTURES = "io.vdsoagent.structure.cyclic.";

    @Test
    void noCycleBetweenTheAgentsClasses() throws Exception {
        ClassGraph graph = ClassGraph.read(classesOf(AgentBootstrap.class), "");
        // The reader sees the module: its classes and an edge every start takes.
        assertTrue(graph.classes().size() > 50, graph.classes().toString());
        assertTrue(graph.dependenciesOf("io.vdsoagent.bootstrap.AgentBootstrap").contains("io.vdsoagent.bootstrap.Dormancy"),
                graph.dependenciesOf("io.vdsoagent.bootstrap.AgentBootstrap").toString());
        assertEquals(Collections.emptyList(), graph.classCycles(), "cycles between top-level classes");
    }

    @Test
    void noCycleBetweenTheAgentsPackages() throws Exception {
        ClassGraph graph = ClassGraph.read(classesOf(AgentBootstrap.class), "");
        assertEquals(Collections.emptyList(), graph.packageCycles(), "cycles between packages");
    }

    /** The check can fail: two deliberate cycles in the test classes, one across packages, named. */
    @Test
    void findsAndNamesADeliberateCycle() throws Exception {
        ClassGraph graph = ClassGraph.read(classesOf(NoCyclesTest.class), FIXTURES);
        assertEquals(Arrays.asList(
                FIXTURES + "a.Left -> " + FIXTURES + "a.Right -> " + FIXTURES + "a.Left"
                        + "  (all of [" + FIXTURES + "a.Left, " + FIXTURES + "a.Right])",
                FIXTURES + "a.Ping -> " + FIXTURES + "b.Pong -> " + FIXTURES + "a.Ping"
                        + "  (all of [" + FIXTURES + "a.Ping, " + FIXTURES + "b.Pong])"),
                graph.classCycles());
        assertEquals(Collections.singletonList(
                FIXTURES + "a -> " + FIXTURES + "b -> " + FIXTURES + "a"
                        + "  (all of [" + FIXTURES + "a, " + FIXTURES + "b])"),
                graph.packageCycles());
    }

    private static Path classesOf(Class<?> type) throws Exception {
        Path root = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root), "class files not in a folder: " + root);
        return root;
    }
}
