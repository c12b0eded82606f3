package io.vdsoagent.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The chart under test: helm/vdso-agent, rendered by the real helm (helm-java bundles the binary). */
final class Chart {
    static final String RELEASE = "clocks";
    static final String NAMESPACE = "monitoring";

    private Chart() {
    }

    private static Path staged;

    /** helm/vdso-agent, found from the module directory (Maven's working directory) or the repository root. */
    static Path dir() {
        for (Path candidate : new Path[] {Paths.get("vdso-agent"), Paths.get("helm", "vdso-agent")}) {
            if (Files.isRegularFile(candidate.resolve("Chart.yaml"))) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("helm/vdso-agent/Chart.yaml not found from " + Paths.get("").toAbsolutePath());
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }

    /** helm/vdso-agent-inject, the library chart the applications (and the fleet chart's demo) include. */
    static Path injectDir() {
        return dir().resolveSibling("vdso-agent-inject");
    }

    /**
     * A copy of vdso-agent, vdso-agent-inject and the test application chart shop-api under target/,
     * their dependencies built (helm dependency build packs the library into charts/): what a user's
     * `helm dependency build` gives. Made once per test JVM; the sources stay free of build output.
     */
    static synchronized Path staged() throws IOException {
        if (staged == null) {
            Path root = Paths.get("target", "charts-under-test").toAbsolutePath();
            if (!Files.isDirectory(dir().getParent().resolve("target")) && Files.isDirectory(Paths.get("helm"))) {
                root = Paths.get("helm", "target", "charts-under-test").toAbsolutePath();
            }
            delete(root);
            copy(dir(), root.resolve("vdso-agent"));
            copy(injectDir(), root.resolve("vdso-agent-inject"));
            copy(dir().getParent().resolve("src/test/charts/shop-api"), root.resolve("shop-api"));
            new Helm(root.resolve("vdso-agent")).dependency().build().call();
            new Helm(root.resolve("shop-api")).dependency().build().call();
            staged = root;
        }
        return staged;
    }

    /** The application chart shop-api rendered as release {@code release} in namespace {@code release}. */
    static String renderApp(String release, Map<String, Object> sets) throws IOException {
        TemplateCommand command = new Helm(staged().resolve("shop-api")).template()
                .withName(release)
                .withNamespace(release);
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        String rendered = command.call();
        return rendered == null ? "" : rendered;
    }

    /** helm template with the default values plus {@code --set} pairs. */
    static String template(Map<String, Object> sets) throws IOException {
        return template(null, sets);
    }

    /** helm template with a values file from the chart's ci/ directory (or null) plus {@code --set} pairs. */
    static String template(String ciValuesFile, Map<String, Object> sets) throws IOException {
        TemplateCommand command = new Helm(staged().resolve("vdso-agent")).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE);
        if (ciValuesFile != null) {
            command = command.withValuesFile(dir().resolve("ci").resolve(ciValuesFile));
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        String rendered = command.call();
        // helm-java answers null when the chart renders no object at all
        return rendered == null ? "" : rendered;
    }

    static void delete(Path path) throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Copies a chart directory (tests that change or package a chart work on a copy). */
    static void copy(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
    }
}
