package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vdsoagent.testing.ListeningSockets;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fail closed, in real JVMs with the packaged agent: a bad host, port, TLS or auth value, an unknown key
 * or a bad shorthand leaves the endpoint off (nothing listens), never on with the default (0.0.0.0:9419)
 * or with weaker settings; jmx_exporter's {@code host:port:config} listens exactly where it says. What
 * listens is read from the kernel ({@link ListeningSockets}: /proc/&lt;pid&gt;/net/tcp, tcp6 and fd), not
 * from the agent's log; the log line is only the sign that the agent has had its chance to bind.
 */
class FailClosedIT {
    /** The agent's start-up line: written after the endpoint was (or was not) bound and the first probe ran. */
    private static final Pattern STARTED =
            Pattern.compile("^vdso-agent: clocksource .*metrics (on |NOT served)", Pattern.MULTILINE);
    private static final String PORT = "{P}";
    private static final String NONE = "none";
    private static Path files;

    @BeforeAll
    static void secretFiles() throws IOException {
        files = Files.createTempDirectory("fail-closed-it");
        Files.write(files.resolve("empty.password"), new byte[0]);
        Files.write(files.resolve("junk.key"), "-----BEGIN PRIVATE KEY-----\nnot base64 !\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII));
        Files.write(files.resolve("junk.crt"), "not a certificate\n".getBytes(StandardCharsets.US_ASCII));
    }

    static Stream<Arguments> cases() {
        String empty = "${files}/empty.password";
        return Stream.of(
                // control: the /proc reading sees a listening agent at all
                Arguments.of("control host=127.0.0.1,port=P", "host=127.0.0.1,port={P}", "", "127.0.0.1:{P}",
                        "metrics on 127\\.0\\.0\\.1:{P}"),
                Arguments.of("jmx_exporter shorthand host:port:config", "127.0.0.1:{P}:config.yaml", "", "127.0.0.1:{P}",
                        "jmx_exporter config \\[config\\.yaml\\] ignored"),
                Arguments.of("jmx_exporter shorthand host:port:config,key=value", "127.0.0.1:{P}:/etc/jmx.yaml,instrument=false",
                        "", "127.0.0.1:{P}", "jmx_exporter config \\[/etc/jmx\\.yaml\\] ignored"),
                Arguments.of("bad shorthand", "127.0.0.1:94OO", "", NONE, "bad agent argument \\[127\\.0\\.0\\.1:94OO\\]"),
                Arguments.of("port not a number", "host=127.0.0.1,port=abc", "", NONE,
                        "bad value for port \\[abc\\], metrics endpoint OFF"),
                Arguments.of("port out of range", "host=127.0.0.1,port=70000", "", NONE,
                        "bad value for port \\[70000\\], metrics endpoint OFF"),
                Arguments.of("port range upside down", "host=127.0.0.1,port=9429-9419", "", NONE,
                        "bad value for port \\[9429-9419\\], metrics endpoint OFF"),
                Arguments.of("empty host", "host=,port={P}", "", NONE, "bad value for host \\[\\], metrics endpoint OFF"),
                Arguments.of("mistyped IPv4 host", "host=127.0.0.300,port={P}", "", NONE,
                        "bad value for host \\[127\\.0\\.0\\.300\\], metrics endpoint OFF"),
                Arguments.of("host with junk", "host=127.0.0.1 ;x,port={P}", "", NONE,
                        "bad value for host \\[127\\.0\\.0\\.1 ;x\\], metrics endpoint OFF"),
                Arguments.of("unknown key (typo of host)", "hots=127.0.0.1,port={P}", "", NONE,
                        "unknown key \\[hots\\] in agent arguments, metrics endpoint OFF"),
                Arguments.of("unknown system property (typo of host)", "port={P}", "-Dvdso.agent.hots=127.0.0.1", NONE,
                        "unknown system property \\[?vdso\\.agent\\.hots\\]?, metrics endpoint OFF"),
                Arguments.of("bad enabled", "enabled=flase,host=127.0.0.1,port={P}", "", NONE,
                        "bad value for enabled \\[flase\\], metrics endpoint OFF"),
                Arguments.of("user without password", "host=127.0.0.1,port={P},basic-auth-user=u", "", NONE,
                        "basic-auth-user set without basic-auth-password"),
                Arguments.of("password without user", "host=127.0.0.1,port={P},basic-auth-password=s", "", NONE,
                        "basic-auth-password set without basic-auth-user"),
                Arguments.of("password file missing", "host=127.0.0.1,port={P},basic-auth-user=u,basic-auth-password-file="
                        + "${files}/missing.password", "", NONE, "basic-auth-password-file .*missing\\.password"),
                Arguments.of("password file empty", "host=127.0.0.1,port={P},basic-auth-user=u,basic-auth-password-file="
                        + empty, "", NONE, "basic-auth-password-file .*empty\\.password is empty"),
                Arguments.of("keystore password without keystore", "host=127.0.0.1,port={P},tls-keystore-password=x", "",
                        NONE, "tls-keystore-password set without tls-keystore"),
                Arguments.of("keystore missing", "host=127.0.0.1,port={P},tls-keystore=${files}/missing.p12", "", NONE,
                        "tls-keystore: TLS keystore .*missing\\.p12"),
                Arguments.of("key without certificate", "host=127.0.0.1,port={P},tls-key-file=${files}/junk.key", "", NONE,
                        "tls-key-file set without tls-cert-file"),
                Arguments.of("junk PEM key and certificate", "host=127.0.0.1,port={P},tls-key-file=${files}/junk.key,"
                        + "tls-cert-file=${files}/junk.crt", "", NONE, "tls-key-file/tls-cert-file: TLS key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void listensOnlyWhereAsked(String name, String args, String jvmArg, String expected, String line) throws Exception {
        int port = freePort();
        String p = Integer.toString(port);
        String agentArgs = args.replace(PORT, p).replace("${files}", files.toString());
        List<String> jvm = new ArrayList<>();
        if (!jvmArg.isEmpty()) {
            jvm.add(jvmArg);
        }
        jvm.add(AgentJvm.agentArg(agentArgs));
        try (AgentJvm child = started(jvm)) {
            Set<String> listening = ListeningSockets.of(child.pid());
            Set<String> want = NONE.equals(expected) ? Collections.emptySet()
                    : new TreeSet<>(Arrays.asList(expected.replace(PORT, p)));
            assertEquals(want, listening, name + " [" + agentArgs + "]: listening sockets; stderr:\n" + child.stderr());
            Pattern problem = Pattern.compile(line.replace(PORT, p));
            long matching = child.agentLines().stream().filter(l -> problem.matcher(l).find()).count();
            assertEquals(1, matching, name + ": one agent line must match " + problem + ":\n" + child.stderr());
            if (NONE.equals(expected)) {
                assertTrue(child.stderr().contains("metrics NOT served"), child.stderr());
                // probing goes on: the start-up line carries the first probe's verdict
                assertTrue(child.stderr().contains("vdso-agent: clocksource "), child.stderr());
            }
            child.release();
            assertEquals(0, child.awaitExit(30), "the application exits as it would without the agent");
            assertEquals(Collections.emptyList(), child.foreignStderrLines(), "only the agent writes to stderr");
        }
    }

    /** A refused value that does not govern exposure (interval): the default, and /report and a metric say so. */
    @Test
    void aRefusedValueIsInTheReportAndAMetric() throws Exception {
        int port = freePort();
        try (AgentJvm child = listeningOnlyOn(port, "host=127.0.0.1,port=" + port + ",interval=soon,instrument=false")) {
            AgentJvm.Response report = AgentJvm.get(port, "/report", null);
            assertEquals(200, report.status, report.body);
            assertTrue(report.body.contains("\"configRefused\":[{\"key\":\"interval\",\"reason\":"
                    + "\"a duration such as 500ms, 5s, 2m, 1h\",\"effect\":\"default_used\"}]"), report.body);
            AgentJvm.Response metrics = AgentJvm.get(port, "/metrics?name[]=vdso_agent_config_refused", null);
            assertEquals(1.0, metrics.sample("vdso_agent_config_refused{effect=\"default_used\",key=\"interval\"}"),
                    metrics.body);
        }
    }

    /** A clean configuration reports nothing refused (the list is not always non-empty). */
    @Test
    void aCleanConfigurationRefusesNothing() throws Exception {
        int port = freePort();
        try (AgentJvm child = listeningOnlyOn(port, "127.0.0.1:" + port + ",instrument=false")) {
            AgentJvm.Response report = AgentJvm.get(port, "/report", null);
            assertTrue(report.body.contains("\"configRefused\":[]"), report.body);
            assertFalse(AgentJvm.get(port, "/metrics", null).body.contains("vdso_agent_config_refused{"));
        }
    }

    /**
     * A Kubernetes Secret mounted after the JVM started (an optional Secret created later, a sidecar that
     * writes it): the endpoint stays off while the file is missing, never on without auth, and serves with
     * auth once the file is there (read again every clocksource-poll). Ground truth: the kernel's sockets
     * and the answers.
     */
    @Test
    void aPasswordFileMountedLateGetsTheEndpointWithAuthNeverWithout() throws Exception {
        int port = freePort();
        Path secret = files.resolve("late-" + port + ".password");
        try (AgentJvm child = started(Collections.singletonList(AgentJvm.agentArg("host=127.0.0.1,port=" + port
                + ",clocksource-poll=200ms,instrument=false,basic-auth-user=prom,basic-auth-password-file=" + secret)))) {
            assertEquals(Collections.emptySet(), ListeningSockets.of(child.pid()), child.stderr());
            assertTrue(child.stderr().contains("metrics NOT served: refused basic-auth-password-file (fail closed)"),
                    child.stderr());
            Thread.sleep(1000); // five polls with the file missing: still nothing listens
            assertEquals(Collections.emptySet(), ListeningSockets.of(child.pid()), child.stderr());

            Files.write(secret, "s3cret\n".getBytes(StandardCharsets.UTF_8));
            child.awaitStderr(Pattern.compile("metrics on 127\\.0\\.0\\.1:" + port + " \\(basic auth\\) \\(on retry\\)"),
                    60_000);
            assertEquals(Collections.singleton("127.0.0.1:" + port), ListeningSockets.of(child.pid()));
            assertEquals(401, status(port, null));
            assertEquals(401, status(port, "prom:wrong"));
            assertEquals(200, status(port, "prom:s3cret"));
        }
    }

    private static int status(int port, String credentials) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection)
                new java.net.URL("http://127.0.0.1:" + port + "/metrics").openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        if (credentials != null) {
            c.setRequestProperty("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** SleepyApp under the agent, once the agent has had its chance to bind (its start-up line). */
    private static AgentJvm started(List<String> jvmArgs) throws Exception {
        AgentJvm child = AgentJvm.start(jvmArgs, AgentJvm.testClasses(), "agentit.SleepyApp", "stdin");
        try {
            child.awaitStderr(STARTED, 60_000);
            return child;
        } catch (Throwable t) {
            child.close();
            throw t;
        }
    }

    /** {@link #started} with these agent arguments, listening on 127.0.0.1:port and nowhere else. */
    private static AgentJvm listeningOnlyOn(int port, String agentArgs) throws Exception {
        AgentJvm child = started(Collections.singletonList(AgentJvm.agentArg(agentArgs)));
        try {
            assertEquals(Collections.singleton("127.0.0.1:" + port), ListeningSockets.of(child.pid()));
            return child;
        } catch (Throwable t) {
            child.close();
            throw t;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
