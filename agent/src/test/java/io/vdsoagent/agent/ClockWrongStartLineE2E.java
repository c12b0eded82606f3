package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import agentit.SleepyApp;
import io.vdsoagent.testing.Streams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose clock is shifted by libfaketime ({@code FAKETIME="-1d"}, the Debian package's library
 * preloaded) with the agent: its one start-up line says the JVM's clock path disagrees with the kernel and
 * names the library, and /metrics has {@code vdso_jvm_clock_consistent 0} for it. Ground truth: the library
 * path from {@code dpkg -L libfaketime}, and a date(1) under the same preload printing yesterday.
 */
class ClockWrongStartLineE2E {

    @Test
    void theStartUpLineNamesTheInterposerThatShiftsTheJvmsTime() throws Exception {
        Path lib = libfaketime();
        Map<String, String> env = new HashMap<>();
        env.put("LD_PRELOAD", lib.toString());
        env.put("FAKETIME", "-1d");
        ProcessBuilder date = new ProcessBuilder("date", "+%s").redirectErrorStream(true);
        date.environment().putAll(env);
        Process d = date.start();
        long shifted = Long.parseLong(Streams.readUtf8(d.getInputStream()).trim());
        assertEquals(0, d.waitFor());
        assertEquals(System.currentTimeMillis() / 1000 - 86400, shifted, 5, "libfaketime -1d shifts date(1) by a day");

        List<String> command = new ArrayList<>(Arrays.asList(AgentJvm.java(), AgentJvm.agentArg("port=0,host=127.0.0.1"),
                "-cp", AgentJvm.testClasses(), SleepyApp.class.getName(), "stdin"));
        try (AgentJvm app = AgentJvm.start(command, null, env)) {
            int port = app.awaitReadyPort();
            List<String> lines = app.agentLines();
            assertEquals(1, lines.size(), () -> "one start-up line: " + lines);
            String line = lines.get(0);
            assertTrue(line.contains("the JVM's clock path DISAGREES with the kernel"), line);
            assertTrue(line.contains("currentTimeMillis -86400."), line);
            assertTrue(line.contains("(interposed by " + lib + ")"), line);
            String body = AgentJvm.get(port, "/metrics", null).body;
            assertTrue(body.contains("vdso_jvm_clock_consistent{library=\"" + lib + "\",method=\"currentTimeMillis\"} 0.0"), body);
            assertTrue(body.contains("vdso_clock_consistent{clock=\"realtime\"} 1.0"), "libc's own realtime is right: " + body);
            app.release();
            assertEquals(0, app.awaitExit(30));
            System.out.println("[faketime start-up line] " + line);
        }
    }

    private static Path libfaketime() throws Exception {
        Process p = new ProcessBuilder("dpkg", "-L", "libfaketime").redirectErrorStream(true).start();
        String files = Streams.readUtf8(p.getInputStream());
        if (p.waitFor() != 0) {
            fail("install the Debian package faketime (libfaketime): " + files);
        }
        for (String f : files.split("\n")) {
            if (f.trim().endsWith("/libfaketime.so.1")) {
                return Paths.get(f.trim());
            }
        }
        fail("libfaketime.so.1 not in dpkg -L libfaketime: " + files);
        return null;
    }
}
