package io.vdsoagent.helm;

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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init-container image that `mvn -Pimage package` wrote (target/jib-image.tar, an OCI layout), read
 * byte by byte: reproducible, non-root, a static copier, the agent jar, and the reference the chart uses.
 */
class ImageIT {
    private static Path dir;
    private static Map<String, byte[]> oci;

    @BeforeAll
    static void readTarball() throws IOException {
        String property = System.getProperty("vdso.image.dir");
        assumeTrue(property != null, "the image is built with -Pimage only (mvn -Pimage -pl helm -am verify)");
        dir = Paths.get(property);
        oci = untar(Files.newInputStream(dir.resolve("jib-image.tar")));
    }

    @Test
    void twoBuildsOfOneTreeGiveOneDigest() throws Exception {
        assertArrayEquals(Files.readAllBytes(dir.resolve("jib-image.tar")), Files.readAllBytes(dir.resolve("jib-image-2.tar")),
                "the second build (other file times) must give the same bytes");
        String digest = Files.readString(dir.resolve("jib-image.digest")).trim();
        assertEquals(digest, Files.readString(dir.resolve("jib-image-2.digest")).trim());
        JsonNode index = json("index.json");
        String manifestDigest = index.get("manifests").get(0).get("digest").asText();
        assertEquals(digest, manifestDigest);
        assertEquals(digest, "sha256:" + sha256(blob(manifestDigest)), "the digest is the manifest's sha256");
    }

    @Test
    void referenceIsTheChartsDefaultInitImage() throws Exception {
        String reference = json("index.json").get("manifests").get(0).get("annotations")
                .get("org.opencontainers.image.ref.name").asText();
        Deployment app = StrictManifests.single(StrictManifests.parse(Chart.renderApp("shop", Map.of())), Deployment.class);
        assertEquals(reference, app.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage());
    }

    @Test
    void runsAsNobodyAndCopiesWithAStaticBusybox(@TempDir Path temp) throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(blob(json("index.json").get("manifests").get(0).get("digest").asText()));
        JsonNode config = new ObjectMapper().readTree(blob(manifest.get("config").get("digest").asText())).get("config");
        assertEquals("65534:65534", config.get("User").asText());
        assertEquals(List.of("/bin/busybox", "cp", "/vdso-agent.jar", "/vdso-agent/vdso-agent.jar"),
                new ObjectMapper().convertValue(config.get("Entrypoint"), List.class));

        Map<String, byte[]> files = new LinkedHashMap<>();
        for (JsonNode layer : manifest.get("layers")) {
            files.putAll(untar(new GZIPInputStream(new ByteArrayInputStream(blob(layer.get("digest").asText())))));
        }
        Path agentJar = Paths.get(System.getProperty("vdso.agent.jar"));
        assertArrayEquals(Files.readAllBytes(agentJar), files.get("vdso-agent.jar"), "the packaged agent jar");
        byte[] busybox = files.get("bin/busybox");
        assertNotNull(busybox, files.keySet().toString());
        assertTrue(isStaticElf(busybox), "a scratch image has no libc: the copier must be a static binary");

        // The copier does its job: the extracted busybox copies the jar, as the init container will.
        Path bin = Files.write(temp.resolve("busybox"), busybox);
        assertTrue(bin.toFile().setExecutable(true));
        Path source = Files.write(temp.resolve("vdso-agent.jar"), files.get("vdso-agent.jar"));
        Path target = temp.resolve("shared/vdso-agent.jar");
        Files.createDirectories(target.getParent());
        DebianTool.Result copy = DebianTool.run(List.of(bin.toString(), "cp", source.toString(), target.toString()), temp, 30);
        assertEquals(0, copy.exitCode(), copy.output());
        assertArrayEquals(files.get("vdso-agent.jar"), Files.readAllBytes(target));
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
