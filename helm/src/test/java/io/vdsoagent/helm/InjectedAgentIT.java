package io.vdsoagent.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart and the agent agree: the pod spec the inject templates render with basic auth and TLS on is
 * played out on this machine as the kubelet would (each Secret volume's items written as files under its
 * mount path, the secretKeyRef env var set, the jar where the init container copies it), and a real JVM
 * started with the rendered JAVA_TOOL_OPTIONS serves HTTPS with basic auth from those files: 401 without
 * credentials, 200 with the Secret's user and password. Only the mount roots are moved under a temp dir
 * and the port made free and loopback.
 */
class InjectedAgentIT {
    private static final Pattern SERVED = Pattern.compile("metrics on [^ :]*:(\\d+) \\(https, basic auth\\)");

    @Test
    void theRenderedPodServesHttpsWithBasicAuthFromTheSecretFiles(@TempDir Path root) throws Exception {
        Deployment app = StrictManifests.single(StrictManifests.parse(Chart.renderApp("shop", Map.of(
                "vdso-agent-inject.agent.basicAuth.enabled", true,
                "vdso-agent-inject.agent.basicAuth.existingSecret", "shop-metrics-auth",
                "vdso-agent-inject.agent.tls.enabled", true,
                "vdso-agent-inject.agent.tls.existingSecret", "shop-metrics-tls"))), Deployment.class);
        PodSpec pod = app.getSpec().getTemplate().getSpec();
        Container api = pod.getContainers().get(0);

        Certificate[] cert = new Certificate[1];
        Map<String, Map<String, byte[]>> secrets = new HashMap<>();
        secrets.put("shop-metrics-auth", Map.of("username", bytes("prom"), "password", bytes("s3cret\n")));
        secrets.put("shop-metrics-tls", tlsSecret(root, cert));

        // the kubelet's part: Secret volumes as files, the init container's copy of the jar
        List<String> mountPaths = new ArrayList<>();
        for (VolumeMount mount : api.getVolumeMounts()) {
            mountPaths.add(mount.getMountPath());
            Path dir = Files.createDirectories(under(root, mount.getMountPath()));
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            if (volume.getSecret() != null) {
                for (KeyToPath item : volume.getSecret().getItems()) {
                    Files.write(dir.resolve(item.getPath()), secrets.get(volume.getSecret().getSecretName()).get(item.getKey()));
                }
            }
        }
        Path agentJar = Chart.dir().getParent().getParent().resolve("agent/target/vdso-agent.jar");
        assertTrue(Files.isRegularFile(agentJar), agentJar + ": package the agent first (mvn -pl helm -am verify)");
        String jarMount = pod.getInitContainers().get(0).getCommand().get(3);
        Files.copy(agentJar, under(root, jarMount));

        String options = api.getEnv().stream().filter(e -> "JAVA_TOOL_OPTIONS".equals(e.getName())).findFirst()
                .orElseThrow().getValue();
        mountPaths.sort(Comparator.comparingInt(String::length).reversed()); // /vdso-agent-tls before /vdso-agent
        for (String path : mountPaths) {
            options = options.replace(path + "/", under(root, path) + "/")
                    .replaceAll("=" + Pattern.quote(path) + "(?=\\s|$)", Matcher.quoteReplacement("=" + under(root, path)));
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Matcher portArg = Pattern.compile("=port=9419").matcher(options);
        assertTrue(portArg.find(), options);
        options = portArg.replaceFirst("=port=" + port + ",host=127.0.0.1");

        ProcessBuilder builder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // only the app: the test class path also holds the agent's own classes, which must not be the app's
                "-cp", Paths.get(SleepingApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                SleepingApp.class.getName());
        builder.environment().put("JAVA_TOOL_OPTIONS", options);
        for (EnvVar env : api.getEnv()) {
            if (env.getValueFrom() != null) {
                String secret = env.getValueFrom().getSecretKeyRef().getName();
                builder.environment().put(env.getName(),
                        new String(secrets.get(secret).get(env.getValueFrom().getSecretKeyRef().getKey()), StandardCharsets.UTF_8));
            }
        }
        Path log = root.resolve("app.log");
        Process jvm = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int served = awaitServed(jvm, log);
            assertEquals(port, served);
            SSLContext ssl = trusting(cert[0]);
            assertEquals(401, get(ssl, served, null), "no credentials");
            assertEquals(401, get(ssl, served, "prom:wrong"), "a wrong password");
            assertEquals(200, get(ssl, served, "prom:s3cret"), "the Secret's user and password (file, trailing newline)");
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What a kubernetes.io/tls Secret holds: tls.crt and an unencrypted PKCS#8 tls.key, here from keytool. */
    private static Map<String, byte[]> tlsSecret(Path root, Certificate[] cert) throws Exception {
        Path ks = root.resolve("source.p12");
        Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "agent", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        Key key = store.getKey("agent", "changeit".toCharArray());
        cert[0] = store.getCertificate("agent");
        return Map.of("tls.key", pem("PRIVATE KEY", key.getEncoded()), "tls.crt", pem("CERTIFICATE", cert[0].getEncoded()));
    }

    private static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static SSLContext trusting(Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("agent", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static int get(SSLContext ssl, int port, String userPassword) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + "/metrics").openConnection();
        c.setSSLSocketFactory(ssl.getSocketFactory());
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        if (userPassword != null) {
            c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(bytes(userPassword)));
        }
        int status = c.getResponseCode();
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        if (body != null) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (status == 200) {
                assertTrue(text.contains("vdso_info{"), text);
            }
        }
        return status;
    }

    private static int awaitServed(Process jvm, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.readString(log);
            Matcher m = SERVED.matcher(text);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!jvm.isAlive() || text.contains("metrics NOT served")) {
                fail("the agent did not serve https with basic auth:\n" + text);
            }
            Thread.sleep(50);
        }
        fail("no start-up line within 60 s:\n" + Files.readString(log));
        return -1;
    }

    /** The application: sleeps until the test ends it. */
    public static final class SleepingApp {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(120_000);
        }
    }
}
