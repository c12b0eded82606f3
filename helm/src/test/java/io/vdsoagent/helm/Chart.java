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

    /** helm template with the default values plus {@code --set} pairs. */
    static String template(Map<String, Object> sets) {
        return template(null, sets);
    }

    /** helm template with a values file from the chart's ci/ directory (or null) plus {@code --set} pairs. */
    static String template(String ciValuesFile, Map<String, Object> sets) {
        TemplateCommand command = new Helm(dir()).template()
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
