package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release folder `mvn -B -Prelease verify` leaves at the repository root (target/release), checked
 * with other tools than the ones that wrote it: coreutils' sha256sum -c, the jar's own --version, helm
 * (show chart, template of the packaged charts), the image archive's index, and the SBOM against the
 * libraries the jar carries (its META-INF/licenses directories, one per bundled library).
 */
class ReleaseFolderIT {
    /** {@code <artifactId>-<version>[-<classifier>]-jar}, as the jar's license directories are named. */
    private static final Pattern LICENSE_DIR = Pattern.compile("^META-INF/licenses/(.+?)-(\\d[^-/]*)(?:-([a-z]+))?-jar/$");
    private static Path dir;
    private static String version;

    @BeforeAll
    static void folder() {
        String property = System.getProperty("vdso.release.dir");
        assumeTrue(property != null, "the release folder is built with -Prelease only (mvn -B -Prelease verify)");
        dir = Paths.get(property);
        version = System.getProperty("vdso.project.version");
    }

    @Test
    void holdsExactlyTheReleaseFilesAndSha256sumsVerifies() throws Exception {
        Set<String> names;
        try (Stream<Path> list = Files.list(dir)) {
            names = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        String chartVersion = StrictManifests.yaml().readTree(Files.readString(Chart.file("Chart.yaml"))).path("version").asText();
        String injectVersion = StrictManifests.yaml().readTree(Files.readString(Chart.injectDir().resolve("Chart.yaml")))
                .path("version").asText();
        assertEquals(new TreeSet<>(List.of("SHA256SUMS", "vdso-agent-" + version + ".jar",
                "vdso-agent-" + version + ".cdx.json", "vdso-agent-jar-" + version + "-oci.tar",
                "vdso-agent-jar-" + version + "-oci.digest", "vdso-agent-" + chartVersion + ".tgz",
                "vdso-agent-inject-" + injectVersion + ".tgz")), names);
        DebianTools.Result check = DebianTools.run(List.of(DebianTools.require("sha256sum", "coreutils"), "-c",
                "--strict", "SHA256SUMS"), dir, 60);
        assertEquals(0, check.exitCode, check.output);
        assertEquals(names.size() - 1, check.output.lines().filter(l -> l.endsWith(": OK")).count(), check.output);
    }

    @Test
    void theJarIsTheBuiltOneAndSaysItsVersion() throws Exception {
        Path jar = dir.resolve("vdso-agent-" + version + ".jar");
        assertArrayEquals(Files.readAllBytes(Paths.get(System.getProperty("vdso.agent.jar"))), Files.readAllBytes(jar));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        DebianTools.Result said = DebianTools.run(List.of(java, "-jar", jar.toString(), "--version"), dir, 60);
        assertEquals(0, said.exitCode, said.output);
        assertTrue(said.output.startsWith("vdso-agent " + version + " "), said.output);
    }

    /** Both charts, as helm reads the packages: appVersion and the default init image are the jar's version. */
    @Test
    void chartsCarryTheJarsVersion(@TempDir Path temp) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path tgz : list.filter(p -> p.toString().endsWith(".tgz")).toList()) {
                String chart = Helm.show(tgz.toString()).chart().call();
                assertTrue(chart.lines().anyMatch(l -> l.equals("appVersion: " + version)), tgz + ":\n" + chart);
            }
        }
        String fleet = Helm.template(dir.resolve("vdso-agent-" + StrictManifests.yaml()
                .readTree(Files.readString(Chart.file("Chart.yaml"))).path("version").asText() + ".tgz").toString())
                .withName("clocks").set("demo.enabled", true).call();
        Deployment demo = StrictManifests.single(StrictManifests.parse(fleet), Deployment.class);
        String image = demo.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage();
        assertTrue(image.endsWith(":" + version), image);
        JsonNode index = new ObjectMapper().readTree(ImageIT.untar(Files.newInputStream(
                dir.resolve("vdso-agent-jar-" + version + "-oci.tar"))).get("index.json"));
        assertEquals(image, index.get("manifests").get(0).get("annotations").get("org.opencontainers.image.ref.name").asText(),
                "the packaged chart's default image is the image in the folder");
        assertEquals(index.get("manifests").get(0).get("digest").asText(),
                Files.readString(dir.resolve("vdso-agent-jar-" + version + "-oci.digest")).trim());
    }

    /** Every library the jar bundles (one META-INF/licenses directory each) is a component of the SBOM. */
    @Test
    void theSbomNamesEveryBundledLibrary() throws IOException {
        JsonNode bom = new ObjectMapper().readTree(dir.resolve("vdso-agent-" + version + ".cdx.json").toFile());
        assertEquals("CycloneDX", bom.get("bomFormat").asText());
        List<String> components = new ArrayList<>();
        for (JsonNode c : bom.get("components")) {
            components.add(c.get("purl").asText());
        }
        List<String> bundled = new ArrayList<>();
        try (JarFile jar = new JarFile(dir.resolve("vdso-agent-" + version + ".jar").toFile())) {
            jar.stream().forEach(e -> {
                Matcher m = LICENSE_DIR.matcher(e.getName());
                if (m.matches()) {
                    bundled.add(m.group(1) + "@" + m.group(2) + (m.group(3) == null ? "" : "?classifier=" + m.group(3)));
                }
            });
        }
        assertTrue(bundled.size() >= 20, "the jar's license directories: " + bundled);
        for (String library : bundled) {
            String artifact = library.substring(0, library.indexOf('@'));
            String rest = library.substring(library.indexOf('@'));
            assertTrue(components.stream().anyMatch(purl -> purl.contains("/" + artifact + rest.split("\\?")[0])
                    && (!rest.contains("?") || purl.contains(rest.substring(rest.indexOf('?') + 1)))),
                    library + " is bundled but not in the SBOM: " + components);
        }
        assertTrue(components.stream().anyMatch(p -> p.contains("/vdso-agent-core@" + version)), "our own core, bundled too");
    }

    /** The jar's version is compared with the project's: a release never ships a SNAPSHOT jar. */
    @Test
    void aJarOfAnotherVersionIsRefused() throws IOException {
        Path jar = Paths.get(System.getProperty("vdso.agent.jar"));
        assertEquals(version, ReleaseFolder.jarVersion(jar));
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ReleaseFolder.run(new String[] {dir.resolveSibling("release-refused").toString(), "9.9.9", jar.toString(),
                        "x", "x", "x", "x", "x"}));
        assertTrue(refused.getMessage().contains("is version " + version + ", the project 9.9.9"), refused.getMessage());
        assertTrue(Files.notExists(dir.resolveSibling("release-refused")), "nothing written");
    }
}
