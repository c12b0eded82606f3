package io.vdsoagent.agent.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The endpoint's TLS key material: a PKCS12 or JKS keystore ({@code tls-keystore}), or a PEM private key
 * plus a PEM certificate chain ({@code tls-key-file}, {@code tls-cert-file}: a Kubernetes TLS secret's
 * {@code tls.key} and {@code tls.crt}). Read with java.base only; errors name the file, never a password.
 */
public final class EndpointTls {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
    /** Key algorithms a PKCS#8 key may hold, tried in order (EdDSA only exists on JDK 15+). */
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA"};

    private final SSLContext context;

    private EndpointTls(SSLContext context) {
        this.context = context;
    }

    /** A keystore file: ".jks" is read as JKS, anything else as PKCS12. */
    public static EndpointTls keystore(String path, String password) throws IOException {
        try {
            char[] secret = password == null ? new char[0] : password.toCharArray();
            KeyStore store = KeyStore.getInstance(path.toLowerCase().endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(Paths.get(path))) {
                store.load(in, secret);
            }
            return new EndpointTls(context(store, secret));
        } catch (IOException e) {
            throw new IOException("TLS keystore " + path + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("TLS keystore " + path + ": " + e, e);
        }
    }

    /** An unencrypted PKCS#8 PEM key ("BEGIN PRIVATE KEY") and its PEM certificate chain, leaf first. */
    public static EndpointTls pem(PrivateKey key, Certificate[] chain) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            char[] secret = new char[0];
            store.setKeyEntry("endpoint", key, secret, chain);
            return new EndpointTls(context(store, secret));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("TLS key and certificate: " + e, e);
        }
    }

    /** The private key of a PEM key file; the message names the file and what is wrong with it. */
    public static PrivateKey pemKey(String keyFile) throws IOException {
        try {
            return privateKey(new String(Files.readAllBytes(Paths.get(keyFile)), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IOException("TLS key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** The certificate chain of a PEM file, leaf first; the message names the file. */
    public static Certificate[] pemChain(String certFile) throws IOException {
        try {
            Collection<? extends Certificate> chain;
            try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(Paths.get(certFile)))) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) {
                throw new IOException("no certificate in it");
            }
            return chain.toArray(new Certificate[0]);
        } catch (IOException e) {
            throw new IOException("TLS certificate " + certFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("TLS certificate " + certFile + ": " + e, e);
        }
    }

    static PrivateKey privateKey(String pem) throws IOException {
        Matcher m = PEM_KEY.matcher(pem);
        if (!m.find()) {
            throw new IOException("no PEM private key in it");
        }
        if (!m.group(1).isEmpty()) {
            throw new IOException("a " + m.group(1).trim() + " key; convert it to PKCS#8 "
                    + "(openssl pkcs8 -topk8 -nocrypt) or use a keystore");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IOException("bad base64 in the PEM key");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException notThisOne) {
                // next algorithm
            }
        }
        throw new IOException("a PKCS#8 key of no algorithm this JVM knows");
    }

    private static SSLContext context(KeyStore store, char[] secret) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, secret);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys.getKeyManagers(), null, null);
        return ssl;
    }

    SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }
}
