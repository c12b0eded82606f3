package io.vdsoagent.reliability;

import io.vdsoagent.testing.ChildJvms;
import io.vdsoagent.testing.Streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * What the endpoint exposes and to whom: the vDSO base address (an ASLR secret) appears nowhere
 * unless {@code expose-address=true}; basic auth refuses strangers; TLS serves a scrape that trusts
 * the test's own certificate; and no method but GET/HEAD is accepted anywhere (the endpoint only
 * reads). Real JVMs with the packaged agent.
 */
class SecurityIT {
    private static final Pattern PORT = ChildJvms.READY_PORT;
    private static final Path WORK = Paths.get("target", "security");
    /**
     * User-space addresses as a report might print them: any 0x7 followed by 11 hex digits (ASLR put the
     * vDSO at 0x7eff7aa2b000 in one run, which a 7f-only pattern missed), or bare 12-hex-digit 7f...
     */
    private static final Pattern ANY_USER_ADDRESS = Pattern.compile("(?i)\\b(0x7[0-9a-f]{11}|7f[0-9a-f]{10})\\b");

    @Test
    void baseAddressAppearsNowhereByDefault() throws Exception {
        FaultJvm.Running app = start("hidden-address", "host=127.0.0.1,port=0");
        try {
            long base = vdsoBase(app.pid());
            String port = port(app);
            List<String> outputs = new ArrayList<>();
            outputs.add(get("http://127.0.0.1:" + port + "/metrics", null, null).body);
            outputs.add(get("http://127.0.0.1:" + port + "/metrics", null,
                    "application/openmetrics-text; version=1.0.0").body);
            outputs.add(get("http://127.0.0.1:" + port + "/report", null, null).body);
            outputs.add(String.join("\n", app.stderrLines()));
            for (String out : outputs) {
                for (String form : forms(base)) {
                    assertFalse(out.contains(form), "base address " + form + " leaked:\n" + out);
                }
                assertFalse(out.contains("vdso_base_address"), out);
            }
        } finally {
            app.kill();
        }
    }

    @Test
    void baseAddressIsPublishedOnlyWhenAskedFor() throws Exception {
        // The positive control: proves the forms searched for above are the ones the agent would print.
        FaultJvm.Running app = start("exposed-address", "host=127.0.0.1,port=0,expose-address=true");
        try {
            long base = vdsoBase(app.pid());
            String metrics = get("http://127.0.0.1:" + port(app) + "/metrics", null, null).body;
            Matcher m = Pattern.compile("(?m)^vdso_base_address\\S* (\\S+)$").matcher(metrics);
            assertTrue(m.find(), "vdso_base_address missing with expose-address=true:\n" + metrics);
            assertEquals((double) base, Double.parseDouble(m.group(1)), "base address vs /proc/<pid>/maps");
            assertTrue(containsAny(metrics, forms(base)), "none of the searched forms matches:\n" + metrics);
        } finally {
            app.kill();
        }
    }

    /**
     * The CLI reports its own process (randomised per exec, nobody else's secret), so it shows the
     * address by default, as the report layout asks; an explicit expose-address=false, as a
     * fleet might set in every container's environment, hides it there too.
     */
    @Test
    void cliReportHidesTheAddressWhenExposeAddressIsFalse() throws Exception {
        for (String format : new String[] {"", "--json"}) {
            String shown = cli(null, null, "report", format);
            assertTrue(ANY_USER_ADDRESS.matcher(shown).find(),
                    "positive control: by default the CLI report " + format + " shows its own address:\n" + shown);
            String hidden = cli("-Dvdso.agent.expose-address=false", null, "report", format);
            assertFalse(ANY_USER_ADDRESS.matcher(hidden).find(), "CLI report " + format + " shows an address:\n" + hidden);
            String hiddenByEnv = cli(null, "false", "report", format);
            assertFalse(ANY_USER_ADDRESS.matcher(hiddenByEnv).find(),
                    "CLI report " + format + " with VDSO_AGENT_EXPOSE_ADDRESS=false:\n" + hiddenByEnv);
        }
    }

    @Test
    void basicAuthRefusesStrangers() throws Exception {
        FaultJvm.Running app = start("basic-auth", "host=127.0.0.1,port=0,basic-auth-user=prom,basic-auth-password=s3cret");
        try {
            String url = "http://127.0.0.1:" + port(app);
            Response none = get(url + "/metrics", null, null);
            assertEquals(401, none.status);
            assertTrue(String.valueOf(none.wwwAuthenticate).startsWith("Basic"), "WWW-Authenticate: " + none.wwwAuthenticate);
            assertEquals(401, get(url + "/report", null, null).status);
            assertEquals(401, get(url + "/metrics", "prom:wrong", null).status);
            assertEquals(401, get(url + "/metrics", "other:s3cret", null).status);
            Response ok = get(url + "/metrics", "prom:s3cret", null);
            assertEquals(200, ok.status);
            assertTrue(ok.body.contains("vdso_info{"), ok.body);
            // Liveness stays open: kubelet probes carry no credentials.
            assertEquals(200, get(url + "/-/healthy", null, null).status);
            for (String line : app.stderrLines()) {
                assertFalse(line.contains("s3cret"), "password in the log: " + line);
            }
        } finally {
            app.kill();
        }
    }

    @Test
    void tlsScrapeWorksAndPlainHttpDoesNot() throws Exception {
        Path keystore = keystore();
        FaultJvm.Running app = start("tls", "host=127.0.0.1,port=0,tls-keystore=" + keystore.toAbsolutePath()
                + ",tls-keystore-password=changeit,basic-auth-user=prom,basic-auth-password=s3cret");
        try {
            String port = port(app);
            SSLContext trusting = trusting(keystore);
            Response ok = get("https://127.0.0.1:" + port + "/metrics", "prom:s3cret", null, trusting);
            assertEquals(200, ok.status);
            assertTrue(ok.body.contains("vdso_info{"), ok.body);
            assertEquals(401, get("https://127.0.0.1:" + port + "/metrics", null, null, trusting).status);
            try {
                Response plain = get("http://127.0.0.1:" + port + "/metrics", "prom:s3cret", null);
                assertTrue(plain.status != 200, "plain HTTP must not be served on the TLS port");
            } catch (IOException expected) {
                // the TLS server drops a plain-text request
            }
            assertTrue(String.join("\n", app.stderrLines()).contains("(https, basic auth)"), app.stderrLines().toString());
            for (String line : app.stderrLines()) {
                assertFalse(line.contains("changeit"), "keystore password in the log: " + line);
            }
        } finally {
            app.kill();
        }
    }

    @Test
    void unreadableKeystoreMeansNoEndpointNeverPlainHttp() throws Exception {
        FaultJvm.Result r = new FaultJvm().agent("host=127.0.0.1,port=0,tls-keystore=/nonexistent/agent.p12,"
                + "tls-keystore-password=hunter2").app(30_000, 0, 0).run(WORK.resolve("bad-keystore"), 90);
        assertEquals(FaultApp.EXIT_CODE, r.exitCode, r.toString());
        assertEquals(Arrays.asList(FaultApp.STDOUT_LINE), r.stdout, r.toString());
        String log = String.join("\n", r.agentLines());
        assertTrue(log.contains("metrics NOT served") && log.contains("TLS keystore /nonexistent/agent.p12"), log);
        assertFalse(log.contains("metrics on"), "no endpoint at all, in particular no plain-HTTP fallback: " + log);
        assertFalse(log.contains("hunter2"), "keystore password in the log: " + log);
    }

    @Test
    void nothingButGetAndHeadIsAccepted() throws Exception {
        FaultJvm.Running app = start("read-only", "host=127.0.0.1,port=0");
        try {
            String url = "http://127.0.0.1:" + port(app);
            for (String path : new String[] {"/metrics", "/report", "/-/healthy", "/"}) {
                for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "TRACE"}) {
                    HttpURLConnection c = (HttpURLConnection) new URL(url + path).openConnection();
                    c.setRequestMethod(method);
                    if ("POST".equals(method) || "PUT".equals(method)) {
                        c.setDoOutput(true);
                        try (OutputStream out = c.getOutputStream()) {
                            out.write("interval=1s".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    assertEquals(405, c.getResponseCode(), method + " " + path);
                    assertEquals("GET, HEAD", c.getHeaderField("Allow"), method + " " + path);
                    c.disconnect();
                }
                HttpURLConnection head = (HttpURLConnection) new URL(url + path).openConnection();
                head.setRequestMethod("HEAD");
                assertEquals(200, head.getResponseCode(), "HEAD " + path);
            }
        } finally {
            app.kill();
        }
    }

    // ---- helpers ----

    private static FaultJvm.Running start(String name, String agentArgs) throws Exception {
        FaultJvm.Running app = new FaultJvm().agent(agentArgs).app(30_000, 60_000, 0).start(WORK.resolve(name));
        assertTrue(app.awaitStderr("metrics on", 30_000), "agent did not start: " + app.stderrLines());
        return app;
    }

    private static String port(FaultJvm.Running app) throws IOException {
        for (String line : app.stderrLines()) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no port in " + app.stderrLines());
    }

    /** The [vdso] start in the child's own maps: ground truth, not our output. */
    private static long vdsoBase(long pid) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/maps"))) {
            if (line.endsWith("[vdso]")) {
                return Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
            }
        }
        throw new AssertionError("no [vdso] in /proc/" + pid + "/maps");
    }

    /** Every way a report could spell the address. */
    private static List<String> forms(long base) {
        String hex = Long.toHexString(base);
        return Arrays.asList(hex, hex.toUpperCase(Locale.ROOT), Long.toString(base), Double.toString((double) base),
                String.format(Locale.ROOT, "%.6e", (double) base));
    }

    private static boolean containsAny(String text, List<String> needles) {
        for (String n : needles) {
            if (text.contains(n)) {
                return true;
            }
        }
        return false;
    }

    private static String cli(String property, String exposeEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(FaultJvm.java());
        if (property != null) {
            cmd.add(property);
        }
        cmd.add("-jar");
        cmd.add(FaultJvm.agentJar().toString());
        for (String a : args) {
            if (!a.isEmpty()) {
                cmd.add(a);
            }
        }
        ChildJvms.Finished run = ChildJvms.run(cmd, exposeEnv == null ? Collections.<String, String>emptyMap()
                : Collections.singletonMap("VDSO_AGENT_EXPOSE_ADDRESS", exposeEnv), 60);
        String out = run.output;
        assertTrue(run.exited, "CLI hung: " + cmd);
        assertEquals(0, run.exitCode, cmd + ":\n" + out);
        return out;
    }

    private static Path keystore() throws Exception {
        Path dir = Files.createDirectories(WORK);
        Path ks = dir.resolve("agent.p12");
        Files.deleteIfExists(ks);
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "vdso-agent", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = Streams.readUtf8(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, p.exitValue(), "keytool: " + out);
        return ks;
    }

    /** A client that trusts exactly the test certificate (no trust-all shortcut). */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("agent", store.getCertificate("vdso-agent"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static final class Response {
        final int status;
        final String body;
        final String wwwAuthenticate;

        Response(int status, String body, String wwwAuthenticate) {
            this.status = status;
            this.body = body;
            this.wwwAuthenticate = wwwAuthenticate;
        }
    }

    private static Response get(String url, String credentials, String accept) throws IOException {
        return get(url, credentials, accept, null);
    }

    private static Response get(String url, String credentials, String accept, SSLContext ssl) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        if (ssl != null) {
            ((HttpsURLConnection) c).setSSLSocketFactory(ssl.getSocketFactory());
        }
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        if (credentials != null) {
            c.setRequestProperty("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        if (accept != null) {
            c.setRequestProperty("Accept", accept);
        }
        int status = c.getResponseCode();
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        String text = body == null ? "" : Streams.readUtf8(body);
        Response r = new Response(status, text, c.getHeaderField("WWW-Authenticate"));
        c.disconnect();
        assertNotNull(r);
        return r;
    }

}
