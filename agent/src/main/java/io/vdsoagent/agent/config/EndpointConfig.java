package io.vdsoagent.agent.config;

import io.vdsoagent.agent.http.EndpointSettings;
import io.vdsoagent.agent.http.EndpointTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * The endpoint's settings from the typed configuration: where to listen, basic auth (the password
 * file read here) and TLS (a PEM pair or a keystore). Read each time the endpoint starts, so a secret
 * file that appears or is fixed later is used on the next retry; a problem is an {@link IOException}
 * whose message names the key, and the endpoint stays off.
 */
public final class EndpointConfig {
    private EndpointConfig() {
    }

    public static EndpointSettings settings(AgentArguments config) throws IOException {
        PortRange ports = config.ports();
        return EndpointSettings.of(config.host(), ports.first(), ports.last())
                .withBasicAuth(config.basicAuthUser(), password(config))
                .withTls(tls(config));
    }

    private static String password(AgentArguments config) throws IOException {
        String passwordFile = config.basicAuthPasswordFile();
        if (passwordFile.isEmpty()) {
            return config.basicAuthPassword();
        }
        String password;
        try {
            password = new String(Files.readAllBytes(Paths.get(passwordFile)), StandardCharsets.UTF_8)
                    .replaceAll("[\\r\\n]+$", ""); // a secret file often ends with a newline
        } catch (IOException e) {
            throw new IOException("basic-auth-password-file " + passwordFile + ": " + e, e);
        }
        if (password.isEmpty()) {
            // An empty password would let anyone in who knows the user: no endpoint instead.
            throw new IOException("basic-auth-password-file " + passwordFile + " is empty");
        }
        return password;
    }

    /** Null: plain HTTP. */
    private static EndpointTls tls(AgentArguments config) throws IOException {
        String key = config.tlsKeyFile();
        String cert = config.tlsCertFile();
        String keystore = config.tlsKeystore();
        if (!key.isEmpty() || !cert.isEmpty()) {
            if (key.isEmpty() || cert.isEmpty()) {
                throw new IOException("tls-key-file and tls-cert-file go together");
            }
            try {
                return EndpointTls.pem(key, cert);
            } catch (IOException e) {
                throw new IOException("tls-key-file/tls-cert-file: " + e.getMessage(), e);
            }
        }
        if (!keystore.isEmpty()) {
            try {
                return EndpointTls.keystore(keystore, config.tlsKeystorePassword());
            } catch (IOException e) {
                throw new IOException("tls-keystore: " + e.getMessage(), e);
            }
        }
        return null;
    }
}
