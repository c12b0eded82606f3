import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the init-container image as one OCI archive (an OCI image layout in a tar), without a daemon:
 * an image index with one image per platform, each a single uncompressed layer holding
 * {@code /vdso-agent.jar} and that platform's static {@code /bin/busybox} (the copier), user 65534.
 *
 * <p>Reproducible by construction: every tar entry has mtime 1, uid/gid 0 and a fixed mode, entries and
 * JSON keys are in a fixed order, and the layers are not compressed (gzip output depends on the zlib
 * at hand; the jar is compressed already). The same inputs give the same bytes, hence the same digest.
 *
 * <p>Run by helm/pom.xml's {@code -Pimage} profile as a single-file program ({@code java OciImage.java}):
 * <pre>
 *   --out FILE.tar --digest FILE --ref REPOSITORY:TAG --version V --jar vdso-agent.jar
 *   --platform linux/amd64=/bin/busybox --platform linux/arm64/v8=/path/to/arm64/busybox
 * </pre>
 * The digest file gets the image index's digest: what {@code repository@sha256:...} pins.
 */
public final class OciImage {
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
    private static final long MTIME = 1;

    private final Map<String, byte[]> blobs = new TreeMap<>();

    public static void main(String[] args) throws Exception {
        String out = null;
        String digestFile = null;
        String ref = null;
        String version = null;
        String jar = null;
        List<String[]> platforms = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out": out = args[i + 1]; break;
                case "--digest": digestFile = args[i + 1]; break;
                case "--ref": ref = args[i + 1]; break;
                case "--version": version = args[i + 1]; break;
                case "--jar": jar = args[i + 1]; break;
                case "--platform": platforms.add(args[i + 1].split("=", 2)); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || digestFile == null || ref == null || version == null || jar == null || platforms.isEmpty()) {
            throw new IllegalArgumentException("usage: --out --digest --ref --version --jar --platform os/arch[/variant]=busybox ...");
        }
        OciImage image = new OciImage();
        byte[] jarBytes = Files.readAllBytes(Paths.get(jar));
        StringBuilder manifests = new StringBuilder();
        for (String[] platform : platforms) {
            String[] p = platform[0].split("/");
            byte[] busybox = Files.readAllBytes(Paths.get(platform[1]));
            String manifest = image.platformImage(p[0], p[1], p.length > 2 ? p[2] : null, jarBytes, busybox, version);
            manifests.append(manifests.length() > 0 ? "," : "").append(manifest);
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + manifests + "]}")
                .getBytes(StandardCharsets.UTF_8);
        String indexDigest = image.blob(index);
        byte[] top = ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[{\"mediaType\":\"" + INDEX
                + "\",\"digest\":\"" + indexDigest + "\",\"size\":" + index.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":" + quote(ref) + "}}]}")
                .getBytes(StandardCharsets.UTF_8);
        Tar archive = new Tar();
        archive.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), 0444);
        archive.file("index.json", top, 0444);
        archive.directory("blobs/");
        archive.directory("blobs/sha256/");
        for (Map.Entry<String, byte[]> blob : image.blobs.entrySet()) {
            archive.file("blobs/sha256/" + blob.getKey(), blob.getValue(), 0444);
        }
        Files.write(Paths.get(out), archive.finish());
        Files.write(Paths.get(digestFile), indexDigest.getBytes(StandardCharsets.US_ASCII));
        System.out.println("OCI image index " + ref + " " + indexDigest + " (" + platforms.size() + " platforms) -> " + out);
    }

    /** Layer, config and manifest of one platform as blobs; returns the index entry for its manifest. */
    private String platformImage(String os, String arch, String variant, byte[] jar, byte[] busybox, String version)
            throws IOException, NoSuchAlgorithmException {
        Tar layer = new Tar();
        layer.directory("bin/");
        layer.file("bin/busybox", busybox, 0555);
        layer.file("vdso-agent.jar", jar, 0444);
        byte[] layerBytes = layer.finish();
        String layerDigest = blob(layerBytes);
        String platform = "\"architecture\":" + quote(arch) + ",\"os\":" + quote(os)
                + (variant == null ? "" : ",\"variant\":" + quote(variant));
        byte[] config = ("{\"created\":\"1970-01-01T00:00:01Z\"," + platform
                + ",\"config\":{\"User\":\"65534:65534\",\"Entrypoint\":[\"/bin/busybox\",\"cp\",\"/vdso-agent.jar\","
                + "\"/vdso-agent/vdso-agent.jar\"],\"WorkingDir\":\"/\",\"Labels\":{"
                + "\"org.opencontainers.image.licenses\":\"Apache-2.0\","
                + "\"org.opencontainers.image.source\":\"https://github.com/vdso-agent/vdso-agent\","
                + "\"org.opencontainers.image.title\":\"vdso-agent-jar\","
                + "\"org.opencontainers.image.version\":" + quote(version) + "}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]},"
                + "\"history\":[{\"created\":\"1970-01-01T00:00:01Z\",\"created_by\":\"helm/image/OciImage.java\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":\"" + CONFIG
                + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\""
                + LAYER + "\",\"digest\":\"" + layerDigest + "\",\"size\":" + layerBytes.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        String manifestDigest = blob(manifest);
        return "{\"mediaType\":\"" + MANIFEST + "\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length
                + ",\"platform\":{" + platform + "}}";
    }

    private String blob(byte[] content) throws NoSuchAlgorithmException {
        String hex = hex(MessageDigest.getInstance("SHA-256").digest(content));
        blobs.put(hex, content);
        return "sha256:" + hex;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b & 0xff));
        }
        return s.toString();
    }

    /** Our strings are plain ASCII (names, versions, references); anything else is refused, not escaped. */
    private static String quote(String s) {
        if (!s.matches("[A-Za-z0-9._:/@+\\-]*")) {
            throw new IllegalArgumentException("unexpected character in [" + s + "]");
        }
        return "\"" + s + "\"";
    }

    /** A ustar writer with fixed metadata: mtime 1, uid/gid 0, no user or group names. */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void directory(String name) throws IOException {
            entry(name, new byte[0], 0755, '5');
        }

        void file(String name, byte[] content, int mode) throws IOException {
            entry(name, content, mode, '0');
        }

        private void entry(String name, byte[] content, int mode, char type) throws IOException {
            byte[] header = new byte[512];
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            if (n.length > 100) {
                throw new IOException("name too long for ustar: " + name);
            }
            System.arraycopy(n, 0, header, 0, n.length);
            octal(header, 100, 8, mode);
            octal(header, 108, 8, 0);
            octal(header, 116, 8, 0);
            octal(header, 124, 12, content.length);
            octal(header, 136, 12, MTIME);
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            header[156] = (byte) type;
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
            header[263] = '0';
            header[264] = '0';
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            octal(header, 148, 7, sum);
            out.write(header);
            out.write(content);
            out.write(new byte[(int) ((512 - content.length % 512) % 512)]);
        }

        /** NUL-terminated, zero-padded octal in {@code length} bytes. */
        private static void octal(byte[] header, int offset, int length, long value) {
            String s = Long.toOctalString(value);
            while (s.length() < length - 1) {
                s = "0" + s;
            }
            byte[] digits = s.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, header, offset, length - 1);
            header[offset + length - 1] = 0;
        }

        byte[] finish() throws IOException {
            out.write(new byte[1024]);
            return out.toByteArray();
        }
    }
}
