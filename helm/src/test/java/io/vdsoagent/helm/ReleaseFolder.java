package io.vdsoagent.helm;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build tooling, not a test: {@code mvn -Prelease package} runs it (helm/pom.xml, antrun, on the test class
 * path for helm-java, the helm the tests use). It fills {@code target/release/} at the repository root with
 * the agent jar, the init image's OCI archive and digest, both charts packaged with {@code appVersion} and
 * the default image tag set to the jar's version, the CycloneDX SBOM and {@code SHA256SUMS}.
 *
 * <p>It refuses (exit 1, one line) a jar whose own version (its build-info.properties and manifest) is not
 * the project's version: a release never ships a SNAPSHOT jar left over from another build, and a
 * release build never names a SNAPSHOT.
 *
 * <p>Arguments: {@code out version agentJar imageTar imageDigest sbomJson chartsDir stagingDir}.
 */
public final class ReleaseFolder {
    private static final Pattern APP_VERSION = Pattern.compile("(?m)^appVersion:.*$");
    /** The inject library's default image tag, the first {@code tag:} under {@code image:}. */
    private static final Pattern IMAGE_TAG = Pattern.compile("(?m)^(  image:\\n(?:    .*\\n)*?    tag: ).*$");

    private ReleaseFolder() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalStateException refused) {
            System.err.println("release refused: " + refused.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) throws Exception {
        Path out = Paths.get(args[0]);
        String version = args[1];
        Path jar = Paths.get(args[2]);
        Path image = Paths.get(args[3]);
        Path imageDigest = Paths.get(args[4]);
        Path sbom = Paths.get(args[5]);
        Path charts = Paths.get(args[6]);
        Path staging = Paths.get(args[7]);

        String jarVersion = jarVersion(jar);
        if (!jarVersion.equals(version)) {
            throw new IllegalStateException(jar + " is version " + jarVersion + ", the project " + version
                    + ": build the jar of this version first (mvn -B -Prelease package from the root)");
        }
        if (!version.endsWith("-SNAPSHOT") && jarVersion.contains("SNAPSHOT")) {
            throw new IllegalStateException("release " + version + " would ship a SNAPSHOT jar");
        }
        for (Path input : List.of(image, imageDigest, sbom)) {
            if (!Files.isRegularFile(input)) {
                throw new IllegalStateException(input + " missing" + (input == sbom
                        ? " (cyclonedx-maven-plugin skips its goal offline: run without -o)" : ""));
            }
        }

        deleteTree(out);
        Files.createDirectories(out);
        Files.copy(jar, out.resolve("vdso-agent-" + version + ".jar"));
        Files.copy(image, out.resolve("vdso-agent-jar-" + version + "-oci.tar"));
        Files.copy(imageDigest, out.resolve("vdso-agent-jar-" + version + "-oci.digest"));
        Files.copy(sbom, out.resolve("vdso-agent-" + version + ".cdx.json"));
        packageCharts(charts, staging, version, out);
        writeChecksums(out);
        System.out.println("release " + version + " -> " + out);
    }

    /** The version the jar reports itself ({@code --version}, /report): build-info.properties, and the manifest agrees. */
    static String jarVersion(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Properties info = new Properties();
            String entry = file.stream().map(e -> e.getName()).filter(n -> n.endsWith("io/vdsoagent/agent/build-info.properties"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(jar + " has no build-info.properties"));
            try (InputStream in = file.getInputStream(file.getEntry(entry))) {
                info.load(in);
            }
            String version = info.getProperty("version", "");
            String manifest = file.getManifest().getMainAttributes().getValue("Implementation-Version");
            if (!version.equals(manifest)) {
                throw new IllegalStateException(jar + ": build-info says " + version + ", the manifest " + manifest);
            }
            return version;
        }
    }

    /** Both charts, staged with the jar's version as appVersion and default image tag, packaged by helm. */
    private static void packageCharts(Path charts, Path staging, String version, Path out) throws IOException {
        deleteTree(staging);
        for (String chart : List.of("vdso-agent-inject", "vdso-agent")) {
            Chart.copy(charts.resolve(chart), staging.resolve(chart));
            Path chartYaml = staging.resolve(chart).resolve("Chart.yaml");
            Files.writeString(chartYaml, replaceOnce(APP_VERSION, Files.readString(chartYaml), "appVersion: \"" + version + "\""));
        }
        Path values = staging.resolve("vdso-agent-inject/values.yaml");
        Matcher tag = IMAGE_TAG.matcher(Files.readString(values));
        if (!tag.find()) {
            throw new IllegalStateException("no agent.image.tag in " + values);
        }
        Files.writeString(values, tag.replaceFirst("$1\"" + Matcher.quoteReplacement(version) + "\""));
        new Helm(staging.resolve("vdso-agent-inject")).packageIt().withDestination(out).call();
        new Helm(staging.resolve("vdso-agent")).dependency().build().call();
        new Helm(staging.resolve("vdso-agent")).packageIt().withDestination(out).call();
    }

    private static String replaceOnce(Pattern pattern, String text, String replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in a Chart.yaml");
        }
        return m.replaceFirst(Matcher.quoteReplacement(replacement));
    }

    /** {@code sha256sum -c} format: hex, two spaces, file name; sorted by name. */
    private static void writeChecksums(Path out) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(out)) {
            list.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        StringBuilder sums = new StringBuilder();
        for (Path file : files) {
            sums.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                    .append("  ").append(file.getFileName()).append('\n');
        }
        Files.writeString(out.resolve("SHA256SUMS"), sums.toString(), StandardCharsets.US_ASCII);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
