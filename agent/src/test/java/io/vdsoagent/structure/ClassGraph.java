package io.vdsoagent.structure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

/**
 * Which top-level class refers to which, read from the class files themselves (every type name the
 * class file holds: constant pool, descriptors, signatures, annotations; what jdeps reads), with nested
 * classes counted as their file. Types outside the folder read are left out.
 */
final class ClassGraph {
    /** Top-level class (dotted) to the top-level classes it refers to, both sorted. */
    private final Map<String, Set<String>> edges;

    private ClassGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** Every class file under {@code root} whose name starts with {@code prefix} (dotted, may be empty). */
    static ClassGraph read(Path root, String prefix) throws IOException {
        Map<String, Set<String>> refs = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        for (Path file : files) {
            String name = topLevel(root.relativize(file).toString().replace(java.io.File.separatorChar, '/')
                    .replaceFirst("\\.class$", ""));
            if (name.startsWith(prefix) && !name.endsWith("package-info") && !name.endsWith("module-info")) {
                refs.computeIfAbsent(name, k -> new TreeSet<>()).addAll(referencedBy(file));
            }
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (Map.Entry<String, Set<String>> e : refs.entrySet()) {
            Set<String> targets = new TreeSet<>(e.getValue());
            targets.retainAll(refs.keySet());
            targets.remove(e.getKey());
            edges.put(e.getKey(), targets);
        }
        return new ClassGraph(edges);
    }

    Set<String> classes() {
        return edges.keySet();
    }

    Set<String> dependenciesOf(String topLevelClass) {
        return edges.getOrDefault(topLevelClass, Collections.<String>emptySet());
    }

    /** Each cycle between top-level classes, as a path that returns to its start ("A -> B -> A"). */
    List<String> classCycles() {
        return cycles(edges);
    }

    /** Each cycle between packages, likewise. */
    List<String> packageCycles() {
        Map<String, Set<String>> packages = new TreeMap<>();
        for (Map.Entry<String, Set<String>> e : edges.entrySet()) {
            Set<String> targets = packages.computeIfAbsent(packageOf(e.getKey()), k -> new TreeSet<>());
            for (String target : e.getValue()) {
                targets.add(packageOf(target));
            }
        }
        for (Map.Entry<String, Set<String>> e : packages.entrySet()) {
            e.getValue().remove(e.getKey());
        }
        return cycles(packages);
    }

    private static Set<String> referencedBy(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            Remapper recorder = new Remapper(Opcodes.ASM9) {
                @Override
                public String map(String internalName) {
                    names.add(topLevel(internalName));
                    return internalName;
                }
            };
            // A writer behind the remapper: a bare visitor would skip method bodies (null method visitors).
            new ClassReader(in).accept(new ClassRemapper(new ClassWriter(0), recorder), 0);
        }
        return names;
    }

    /** {@code a/b/C$D} to {@code a.b.C}. */
    private static String topLevel(String internalName) {
        int dollar = internalName.indexOf('$', internalName.lastIndexOf('/') + 1);
        return (dollar < 0 ? internalName : internalName.substring(0, dollar)).replace('/', '.');
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Tarjan's strongly connected components; one named cycle through each component of two or more. */
    private static List<String> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, components);
            }
        }
        List<String> out = new ArrayList<>();
        for (Set<String> component : components) {
            if (component.size() > 1) {
                out.add(String.join(" -> ", cycleThrough(component.iterator().next(), component, graph))
                        + "  (all of " + component + ")");
            }
        }
        Collections.sort(out);
        return out;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<Set<String>> components) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Collections.<String>emptySet())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, components);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }

    /** The shortest path from {@code start} back to itself inside its component (breadth first). */
    private static List<String> cycleThrough(String start, Set<String> component, Map<String, Set<String>> graph) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(Collections.singleton(start));
        while (!queue.isEmpty()) {
            String node = queue.removeFirst();
            for (String next : graph.getOrDefault(node, Collections.<String>emptySet())) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>();
                    path.add(start);
                    for (String at = node; !at.equals(start); at = cameFrom.get(at)) {
                        path.add(1, at);
                    }
                    path.add(start);
                    return path;
                }
                if (component.contains(next) && !cameFrom.containsKey(next)) {
                    cameFrom.put(next, node);
                    queue.addLast(next);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start + " in " + component);
    }
}
