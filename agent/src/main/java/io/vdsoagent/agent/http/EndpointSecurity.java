package io.vdsoagent.agent.http;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.MessageDigest;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Optional protection of the endpoint, as the jmx_exporter agent offers it: HTTP basic auth
 * ({@code basic-auth-user}, {@code basic-auth-password}) and TLS from a PKCS12 or JKS keystore
 * ({@code tls-keystore}, {@code tls-keystore-password}). Both off by default; a Prometheus scrape of
 * a pod IP needs neither, but a host-network JVM may. Basic auth without TLS sends the password in
 * clear text on every scrape: use both or neither.
 */
public final class EndpointSecurity {
    private final String user;
    private final String password;
    private final String keystore;
    private final String keystorePassword;

    private EndpointSecurity(String user, String password, String keystore, String keystorePassword) {
        this.user = user == null ? "" : user;
        this.password = password == null ? "" : password;
        this.keystore = keystore == null ? "" : keystore;
        this.keystorePassword = keystorePassword == null ? "" : keystorePassword;
    }

    /** Empty user: no authentication; empty keystore: plain HTTP. */
    public static EndpointSecurity of(String user, String password, String keystore, String keystorePassword) {
        return new EndpointSecurity(user, password, keystore, keystorePassword);
    }

    public static EndpointSecurity none() {
        return new EndpointSecurity("", "", "", "");
    }

    public boolean tls() {
        return !keystore.isEmpty();
    }

    /** For the ready line: " (https, basic auth)", " (https)", " (basic auth)" or "". */
    public String describe() {
        if (tls()) {
            return user.isEmpty() ? " (https)" : " (https, basic auth)";
        }
        return user.isEmpty() ? "" : " (basic auth)";
    }

    /**
     * An unstarted server on {@code address}: HTTPS when a keystore is configured.
     *
     * @throws IOException when the address cannot be bound, or the keystore cannot be read or opened
     *     (the message names the keystore file, never its password)
     */
    HttpServer bind(InetSocketAddress address, int backlog) throws IOException {
        if (!tls()) {
            return HttpServer.create(address, backlog);
        }
        SSLContext ssl = sslContext();
        HttpsServer server = HttpsServer.create(address, backlog);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        return server;
    }

    /** The authenticator for /metrics and /report, or null when basic auth is off. */
    BasicAuthenticator authenticator() {
        return user.isEmpty() ? null : new Credentials(user, password);
    }

    private SSLContext sslContext() throws IOException {
        try {
            char[] secret = keystorePassword.toCharArray();
            KeyStore store = KeyStore.getInstance(keystore.toLowerCase().endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(Paths.get(keystore))) {
                store.load(in, secret);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), null, null);
            return ssl;
        } catch (IOException e) {
            throw new IOException("TLS keystore " + keystore + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IOException("TLS keystore " + keystore + ": " + e, e);
        }
    }

    /** Compares in constant time, so response timing does not reveal how much of a guess was right. */
    private static final class Credentials extends BasicAuthenticator {
        private final byte[] user;
        private final byte[] password;

        Credentials(String user, String password) {
            super("vdso-agent");
            this.user = user.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean checkCredentials(String username, String pass) {
            boolean userOk = MessageDigest.isEqual(user, username.getBytes(StandardCharsets.UTF_8));
            boolean passwordOk = MessageDigest.isEqual(password, pass.getBytes(StandardCharsets.UTF_8));
            return userOk & passwordOk;
        }
    }
}
