package io.vdsoagent.agent.config;

import io.vdsoagent.agent.http.EndpointSettings;
import io.vdsoagent.agent.http.EndpointTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The endpoint's settings with the files its keys name read and checked: where to listen, basic auth
 * (the password file) and TLS (a PEM pair or a keystore). Read with the configuration, before the
 * endpoint starts: a file that cannot be used is a {@link Refusal} naming its key (effect endpoint_off)
 * and one problem line, and the endpoint stays off, never on without the auth or TLS asked for. Files are
 * not configuration values, though: a Kubernetes Secret may be mounted or fixed after the JVM started, so
 * the owner reads them again (every clocksource-poll) until they are usable, and the refusal ends then.
 */
public final class EndpointConfig {
    /** Null when a file is unusable or the configuration refused the endpoint already. */
    private final EndpointSettings settings;
    private final List<Refusal> refusals;
    private final List<String> problems;

    private EndpointConfig(EndpointSettings settings, List<Refusal> refusals, List<String> problems) {
        this.settings = settings;
        this.refusals = Collections.unmodifiableList(refusals);
        this.problems = Collections.unmodifiableList(problems);
    }

    /**
     * Reads the password file and the TLS files, if set. Never throws; with a configuration whose
     * endpoint is refused already ({@link AgentArguments#endpointRefused()}) it reads nothing.
     */
    public static EndpointConfig read(AgentArguments config) {
        List<Refusal> refusals = new ArrayList<Refusal>();
        List<String> problems = new ArrayList<String>();
        if (config.endpointRefused()) {
            return new EndpointConfig(null, refusals, problems);
        }
        String password = password(config, refusals, problems);
        EndpointTls tls = tls(config, refusals, problems);
        if (!refusals.isEmpty()) {
            return new EndpointConfig(null, refusals, problems);
        }
        PortRange ports = config.ports();
        return new EndpointConfig(EndpointSettings.of(config.host(), ports.first(), ports.last())
                .withBasicAuth(config.basicAuthUser(), password).withTls(tls), refusals, problems);
    }

    /** True when the endpoint may start with {@link #settings()}. */
    public boolean usable() {
        return settings != null;
    }

    /** Where and how the endpoint listens; only when {@link #usable()}. */
    public EndpointSettings settings() {
        if (settings == null) {
            throw new IllegalStateException("no endpoint settings: " + refusals);
        }
        return settings;
    }

    /** One per key whose file cannot be used, effect endpoint_off; empty when usable. */
    public List<Refusal> refusals() {
        return refusals;
    }

    /** One line per refusal, ready to log (names the key and the file, never a secret). */
    public List<String> problems() {
        return problems;
    }

    private static String password(AgentArguments config, List<Refusal> refusals, List<String> problems) {
        String passwordFile = config.basicAuthPasswordFile();
        if (passwordFile.isEmpty()) {
            return config.basicAuthPassword();
        }
        String password;
        try {
            password = new String(Files.readAllBytes(Paths.get(passwordFile)), StandardCharsets.UTF_8)
                    .replaceAll("[\\r\\n]+$", ""); // a secret file often ends with a newline
        } catch (IOException | RuntimeException e) {
            refuse(ConfigKey.BASIC_AUTH_PASSWORD_FILE, reason(e),
                    "basic-auth-password-file " + passwordFile + ": " + e, refusals, problems);
            return null;
        }
        if (password.isEmpty()) {
            // An empty password would let anyone in who knows the user: no endpoint instead.
            refuse(ConfigKey.BASIC_AUTH_PASSWORD_FILE, "is empty",
                    "basic-auth-password-file " + passwordFile + " is empty", refusals, problems);
            return null;
        }
        return password;
    }

    /** Null: plain HTTP, or a refusal was added. */
    private static EndpointTls tls(AgentArguments config, List<Refusal> refusals, List<String> problems) {
        String keyFile = config.tlsKeyFile();
        String certFile = config.tlsCertFile();
        if (!keyFile.isEmpty() && !certFile.isEmpty()) {
            // Each file on its own, so that the refusal names the one that is wrong.
            PrivateKey key = null;
            Certificate[] chain = null;
            try {
                key = EndpointTls.pemKey(keyFile);
            } catch (IOException e) {
                refuse(ConfigKey.TLS_KEY_FILE, reason(e), "tls-key-file/tls-cert-file: " + e.getMessage(),
                        refusals, problems);
            }
            try {
                chain = EndpointTls.pemChain(certFile);
            } catch (IOException e) {
                refuse(ConfigKey.TLS_CERT_FILE, reason(e), "tls-key-file/tls-cert-file: " + e.getMessage(),
                        refusals, problems);
            }
            if (key == null || chain == null) {
                return null;
            }
            try {
                return EndpointTls.pem(key, chain);
            } catch (IOException e) {
                refuse(ConfigKey.TLS_KEY_FILE, reason(e), "tls-key-file/tls-cert-file: " + e.getMessage(),
                        refusals, problems);
                return null;
            }
        }
        String keystore = config.tlsKeystore();
        if (!keystore.isEmpty()) {
            try {
                return EndpointTls.keystore(keystore, config.tlsKeystorePassword());
            } catch (IOException e) {
                refuse(ConfigKey.TLS_KEYSTORE, reason(e), "tls-keystore: " + e.getMessage(), refusals, problems);
            }
        }
        return null;
    }

    private static void refuse(ConfigKey<?> key, String reason, String what, List<Refusal> refusals,
                               List<String> problems) {
        refusals.add(new Refusal(key.name(), reason, Refusal.Effect.ENDPOINT_OFF));
        problems.add(ConfigValues.oneLine(what) + ", metrics endpoint OFF (fail closed); the file is read "
                + "again every clocksource-poll");
    }

    /** For /report: what is wrong without the file's path (the refused value is never shown there). */
    private static String reason(Exception e) {
        Throwable cause = e.getCause() != null && !(e instanceof FileSystemException) ? e.getCause() : e;
        if (cause instanceof FileSystemException) {
            String why = ((FileSystemException) cause).getReason();
            return "cannot read: " + cause.getClass().getSimpleName() + (why == null ? "" : " (" + why + ")");
        }
        return ConfigValues.oneLine(cause instanceof IOException ? String.valueOf(cause.getMessage()) : cause.toString());
    }
}
