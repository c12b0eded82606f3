package io.vdsoagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password and TLS files are read with the configuration: an unusable one is a refusal naming its
 * key (endpoint off), never an endpoint without the auth or TLS asked for; a file that appears later is
 * usable on the next read.
 */
class EndpointConfigTest {
    private static final Map<String, String> NONE = Collections.emptyMap();

    @TempDir
    Path dir;

    private static EndpointConfig read(String args) {
        return EndpointConfig.read(AgentArguments.parse(args, NONE, NONE));
    }

    @Test
    void aMissingPasswordFileIsARefusalNamingTheKeyAndAFileThatAppearsLaterIsUsed() throws Exception {
        Path secret = dir.resolve("password");
        String args = "host=127.0.0.1,port=0,basic-auth-user=prom,basic-auth-password-file=" + secret;
        EndpointConfig missing = read(args);
        assertFalse(missing.usable());
        assertThrows(IllegalStateException.class, missing::settings);
        assertEquals("[basic-auth-password-file (cannot read: NoSuchFileException, endpoint_off)]",
                missing.refusals().toString());
        assertEquals(1, missing.problems().size(), missing.problems().toString());
        String line = missing.problems().get(0);
        assertTrue(line.startsWith("basic-auth-password-file " + secret + ": java.nio.file.NoSuchFileException"), line);
        assertTrue(line.contains(", metrics endpoint OFF (fail closed); the file is read again every clocksource-poll"), line);

        Files.write(secret, "s3cret\n".getBytes(StandardCharsets.UTF_8)); // the Secret is mounted
        EndpointConfig mounted = read(args);
        assertTrue(mounted.usable(), mounted.problems().toString());
        assertEquals(Collections.emptyList(), mounted.refusals());
        assertEquals(" (basic auth)", mounted.settings().describe());
    }

    @Test
    void anEmptyPasswordFileIsRefusedNotAnEndpointWithoutAuth() throws Exception {
        Path secret = Files.write(dir.resolve("empty"), new byte[0]);
        EndpointConfig empty = read("basic-auth-user=prom,basic-auth-password-file=" + secret);
        assertFalse(empty.usable());
        assertEquals("[basic-auth-password-file (is empty, endpoint_off)]", empty.refusals().toString());
        assertEquals(Collections.singletonList("basic-auth-password-file " + secret + " is empty, metrics endpoint OFF"
                + " (fail closed); the file is read again every clocksource-poll"), empty.problems());
    }

    /** Each of the pair on its own: the refusal names the file that is wrong. */
    @Test
    void aJunkPemPairRefusesBothKeysAndAGoodKeyWithJunkCertificateOnlyTheCertificate() throws Exception {
        Path junkKey = Files.write(dir.resolve("junk.key"),
                "-----BEGIN PRIVATE KEY-----\nnot base64 !\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII));
        Path junkCert = Files.write(dir.resolve("junk.crt"), "not a certificate\n".getBytes(StandardCharsets.US_ASCII));
        EndpointConfig junk = read("tls-key-file=" + junkKey + ",tls-cert-file=" + junkCert);
        assertFalse(junk.usable());
        List<String> keys = new ArrayList<>();
        for (Refusal refusal : junk.refusals()) {
            keys.add(refusal.key());
            assertEquals(Refusal.Effect.ENDPOINT_OFF, refusal.effect());
            assertFalse(refusal.reason().contains(dir.toString()), "no path in the report: " + refusal.reason());
        }
        assertEquals(java.util.Arrays.asList("tls-key-file", "tls-cert-file"), keys);
        assertTrue(junk.problems().get(0).startsWith("tls-key-file/tls-cert-file: TLS key " + junkKey), junk.problems().toString());
        assertTrue(junk.problems().get(1).startsWith("tls-key-file/tls-cert-file: TLS certificate " + junkCert),
                junk.problems().toString());

        Path[] good = pemPair();
        EndpointConfig badCert = read("tls-key-file=" + good[0] + ",tls-cert-file=" + junkCert);
        assertEquals(Collections.singletonList("tls-cert-file"), keysOf(badCert));
        EndpointConfig pem = read("tls-key-file=" + good[0] + ",tls-cert-file=" + good[1]);
        assertTrue(pem.usable(), pem.problems().toString());
        assertEquals(" (https)", pem.settings().describe());
    }

    @Test
    void aMissingKeystoreIsARefusalOfTlsKeystore() {
        EndpointConfig missing = read("tls-keystore=" + dir.resolve("missing.p12") + ",tls-keystore-password=x");
        assertFalse(missing.usable());
        assertEquals("[tls-keystore (cannot read: NoSuchFileException, endpoint_off)]", missing.refusals().toString());
        assertTrue(missing.problems().get(0).startsWith("tls-keystore: TLS keystore " + dir.resolve("missing.p12")),
                missing.problems().toString());
    }

    /** A configuration that refused the endpoint already reads no file: its own refusal says why. */
    @Test
    void aRefusedConfigurationReadsNothing() {
        EndpointConfig refused = read("basic-auth-password-file=" + dir.resolve("missing"));
        assertFalse(refused.usable());
        assertEquals(Collections.emptyList(), refused.refusals());
        assertEquals(Collections.emptyList(), refused.problems());
    }

    @Test
    void noFilesNoRefusals() {
        EndpointConfig plain = read("host=127.0.0.1,port=0");
        assertTrue(plain.usable());
        assertEquals("", plain.settings().describe());
    }

    private static List<String> keysOf(EndpointConfig config) {
        List<String> keys = new ArrayList<>();
        for (Refusal refusal : config.refusals()) {
            keys.add(refusal.key());
        }
        return keys;
    }

    /** A PKCS#8 key and its certificate in PEM, made by the JDK's keytool. */
    private Path[] pemPair() throws Exception {
        Path ks = dir.resolve("pem-source.p12");
        Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "agent", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, keytool.exitValue());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        Path key = Files.write(dir.resolve("tls.key"),
                pem("PRIVATE KEY", store.getKey("agent", "changeit".toCharArray()).getEncoded()));
        Path cert = Files.write(dir.resolve("tls.crt"), pem("CERTIFICATE", store.getCertificate("agent").getEncoded()));
        return new Path[] {key, cert};
    }

    private static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
