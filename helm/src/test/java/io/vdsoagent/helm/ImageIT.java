package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init-container image that `mvn -Pimage package` wrote (target/image.tar, an OCI archive holding one
 * image index for linux/amd64 and linux/arm64), unpacked and read byte by byte: reproducible, both
 * platforms present and each with its own static copier (an x86-64 and an aarch64 ELF, checked in the
 * ELF header), non-root, the agent jar, the reference the chart uses; each copier copies the jar (the
 * arm64 one under qemu-user), and skopeo (a real OCI tool) reads the archive and verifies every blob.
 */
class ImageIT {
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;
    private static Path dir;
    private static Map<String, byte[]> oci;

    @BeforeAll
    static void readTarball() throws IOException {
        String property = System.getProperty("vdso.image.dir");
        assumeTrue(property != null, "the image is built with -Pimage only (mvn -Pimage -pl helm -am verify)");
        dir = Paths.get(property);
        oci = untar(Files.newInputStream(dir.resolve("image.tar")));
    }

    @Test
    void twoBuildsOfOneTreeGiveOneDigest() throws Exception {
        assertArrayEquals(Files.readAllBytes(dir.resolve("image.tar")), Files.readAllBytes(dir.resolve("image-2.tar")),
                "the second build (other file times) must give the same bytes");
        String digest = Files.readString(dir.resolve("image.digest")).trim();
        assertEquals(digest, Files.readString(dir.resolve("image-2.digest")).trim());
        JsonNode top = json("index.json");
        assertEquals(1, top.get("manifests").size());
        String indexDigest = top.get("manifests").get(0).get("digest").asText();
        assertEquals(digest, indexDigest);
        assertEquals(digest, "sha256:" + sha256(blob(indexDigest)), "the digest is the image index's sha256");
        for (Map.Entry<String, byte[]> file : oci.entrySet()) {
            if (file.getKey().startsWith("blobs/sha256/")) {
                assertEquals(file.getKey().substring("blobs/sha256/".length()), sha256(file.getValue()), "blob " + file.getKey());
            }
        }
    }

    @Test
    void referenceIsTheChartsImageTaggedWithTheJarsVersion() throws Exception {
        String reference = json("index.json").get("manifests").get(0).get("annotations")
                .get("org.opencontainers.image.ref.name").asText();
        Deployment app = StrictManifests.single(StrictManifests.parse(Chart.renderApp("shop", Map.of())), Deployment.class);
        String chartDefault = app.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage();
        String repository = chartDefault.substring(0, chartDefault.lastIndexOf(':'));
        assertEquals(repository + ":" + System.getProperty("vdso.project.version"), reference,
                "never a tag of another version than the jar inside");
    }

    /** One image per platform, each with its own copier, and all of them complete. */
    @Test
    void bothPlatformsEachWithItsOwnStaticCopierCopyTheJar(@TempDir Path temp) throws Exception {
        JsonNode index = new ObjectMapper().readTree(blob(json("index.json").get("manifests").get(0).get("digest").asText()));
        assertEquals("application/vnd.oci.image.index.v1+json", index.get("mediaType").asText());
        Map<String, Integer> machines = new LinkedHashMap<>();
        for (JsonNode entry : index.get("manifests")) {
            JsonNode platform = entry.get("platform");
            String name = platform.get("os").asText() + "/" + platform.get("architecture").asText();
            JsonNode manifest = new ObjectMapper().readTree(blob(entry.get("digest").asText()));
            JsonNode configBlob = new ObjectMapper().readTree(blob(manifest.get("config").get("digest").asText()));
            assertEquals(platform.get("architecture").asText(), configBlob.get("architecture").asText(), name);
            assertEquals(platform.get("os").asText(), configBlob.get("os").asText(), name);
            JsonNode config = configBlob.get("config");
            assertEquals("65534:65534", config.get("User").asText(), name);
            assertEquals(List.of("/bin/busybox", "cp", "/vdso-agent.jar", "/vdso-agent/vdso-agent.jar"),
                    new ObjectMapper().convertValue(config.get("Entrypoint"), List.class), name);

            assertEquals(1, manifest.get("layers").size(), name);
            String layerDigest = manifest.get("layers").get(0).get("digest").asText();
            assertEquals(layerDigest, configBlob.get("rootfs").get("diff_ids").get(0).asText(),
                    name + ": an uncompressed layer's digest is its diff_id");
            Map<String, byte[]> files = untar(new ByteArrayInputStream(blob(layerDigest)));
            Path agentJar = Paths.get(System.getProperty("vdso.agent.jar"));
            assertArrayEquals(Files.readAllBytes(agentJar), files.get("vdso-agent.jar"), name + ": the packaged agent jar");
            byte[] busybox = files.get("bin/busybox");
            assertNotNull(busybox, name + ": " + files.keySet());
            assertTrue(isStaticElf(busybox), name + ": a scratch image has no libc: the copier must be a static binary");
            machines.put(name, elfMachine(busybox));
            copies(name, busybox, files.get("vdso-agent.jar"), temp.resolve(name.replace('/', '-')));
        }
        assertEquals(Map.of("linux/amd64", EM_X86_64, "linux/arm64", EM_AARCH64), machines,
                "each platform's copier is built for that platform (ELF e_machine)");
    }

    /** The copier does its job, as the init container will: natively, or an aarch64 one under qemu-user. */
    private static void copies(String platform, byte[] busybox, byte[] jar, Path temp) throws Exception {
        Files.createDirectories(temp.resolve("shared"));
        Path bin = Files.write(temp.resolve("busybox"), busybox);
        assertTrue(bin.toFile().setExecutable(true));
        Path source = Files.write(temp.resolve("vdso-agent.jar"), jar);
        Path target = temp.resolve("shared/vdso-agent.jar");
        List<String> command = new ArrayList<>();
        if (elfMachine(busybox) == EM_AARCH64 && !"aarch64".equals(System.getProperty("os.arch"))) {
            command.add(DebianTools.require("qemu-aarch64-static", "qemu-user-static"));
        }
        command.addAll(List.of(bin.toString(), "cp", source.toString(), target.toString()));
        DebianTools.Result copy = DebianTools.run(command, temp, 60);
        assertEquals(0, copy.exitCode, platform + ": " + command + ": " + copy.output);
        assertArrayEquals(jar, Files.readAllBytes(target), platform + ": the copy");
    }

    /** A real OCI tool reads the archive: the index of both platforms, and every blob against its digest. */
    @Test
    void skopeoReadsTheIndexAndCopiesEveryPlatform(@TempDir Path temp) throws Exception {
        String skopeo = DebianTools.require("skopeo", "skopeo");
        String archive = "oci-archive:" + dir.resolve("image.tar");
        DebianTools.Result raw = DebianTools.run(List.of(skopeo, "inspect", "--raw", archive), temp, 60);
        assertEquals(0, raw.exitCode, raw.output);
        JsonNode index = new ObjectMapper().readTree(raw.output.substring(raw.output.indexOf('{')));
        assertEquals(2, index.get("manifests").size(), raw.output);
        DebianTools.Result copy = DebianTools.run(List.of(skopeo, "copy", "--all", "--quiet", archive,
                "oci:" + temp.resolve("copy") + ":check"), temp, 120);
        assertEquals(0, copy.exitCode, copy.output);
        for (String arch : List.of("amd64", "arm64")) {
            DebianTools.Result config = DebianTools.run(List.of(skopeo, "inspect", "--config",
                    "--override-os", "linux", "--override-arch", arch, archive), temp, 60);
            assertEquals(0, config.exitCode, config.output);
            assertTrue(config.output.contains("\"architecture\": \"" + arch + "\""), config.output);
        }
    }

    /** ELF e_machine: 62 x86-64, 183 aarch64. */
    static int elfMachine(byte[] elf) {
        return Short.toUnsignedInt(ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getShort(0x12));
    }

    /** An ELF executable without a PT_INTERP program header needs no dynamic loader. */
    static boolean isStaticElf(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464c457f, b.getInt(0), "ELF magic");
        assertEquals(2, elf[4], "64-bit ELF");
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) phoff + i * phentsize) == 3) { // PT_INTERP
                return false;
            }
        }
        return phnum > 0;
    }

    private static JsonNode json(String name) throws IOException {
        return new ObjectMapper().readTree(oci.get(name));
    }

    private static byte[] blob(String digest) {
        byte[] blob = oci.get("blobs/sha256/" + digest.substring("sha256:".length()));
        assertNotNull(blob, digest);
        return blob;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** A ustar reader: regular files only, names with any leading "./" or "/" removed. */
    static Map<String, byte[]> untar(InputStream in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (in) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (header[156] == '0' || header[156] == 0) {
                    files.put((prefix.isEmpty() ? name : prefix + "/" + name).replaceFirst("^\\./", "").replaceFirst("^/", ""), data);
                }
            }
        }
        return files;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
