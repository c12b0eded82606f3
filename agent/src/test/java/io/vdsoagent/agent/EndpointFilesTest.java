package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.EndpointConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A password file mounted after the start: refused (report and series) until a retry reads it, then not. */
class EndpointFilesTest {
    @TempDir
    Path dir;

    @Test
    void theRefusalAndItsSeriesEndOnceALaterReadFindsTheFile() throws Exception {
        Path secret = dir.resolve("password");
        AgentArguments config = AgentArguments.parse("host=127.0.0.1,port=0,interval=soon,basic-auth-user=prom,"
                + "basic-auth-password-file=" + secret, Collections.emptyMap(), Collections.emptyMap());
        EndpointFiles files = new EndpointFiles(config, EndpointConfig.read(config));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        files.bindTo(registry);
        assertNotNull(registry.find("vdso.agent.config.refused").tag("key", "basic-auth-password-file")
                .tag("effect", "endpoint_off").gauge());
        assertEquals("[interval (a duration such as 500ms, 5s, 2m, 1h, default_used), "
                + "basic-auth-password-file (cannot read: NoSuchFileException, endpoint_off)]", files.refusals().toString());

        assertFalse(files.usableAfterRetry(), "still missing");
        assertNotNull(registry.find("vdso.agent.config.refused").tag("key", "basic-auth-password-file").gauge());

        Files.write(secret, new byte[0]); // there, but empty: still refused, for the new reason
        assertFalse(files.usableAfterRetry());
        assertEquals("[interval (a duration such as 500ms, 5s, 2m, 1h, default_used), "
                + "basic-auth-password-file (is empty, endpoint_off)]", files.refusals().toString());

        Files.write(secret, "s3cret\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(files.usableAfterRetry());
        assertEquals(" (basic auth)", files.current().settings().describe());
        assertNull(registry.find("vdso.agent.config.refused").tag("key", "basic-auth-password-file").gauge());
        assertEquals("[interval (a duration such as 500ms, 5s, 2m, 1h, default_used)]", files.refusals().toString());
    }
}
