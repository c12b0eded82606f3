package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentit.JulApp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, case 3: jffi and jnr (the native path before JDK 22, forced here on any JDK) log through
 * java.util.logging, whose LogManager is the application's. With the application's root logger and
 * handler at ALL, main printed three jffi StubLoader FINEST records naming our temp directory (each
 * through two handlers). Ground truth is the application's own handler: it sees its own record, none of
 * jffi's or jnr's, and the verdict is still the proof's (so jnr did load).
 */
class LibraryLoggingIT {

    @Test
    void jffiAndJnrNeverLogThroughTheApplicationsJul() throws Exception {
        List<String> flags = new ArrayList<>(Arrays.asList("-Dvdso.native=jnr", AgentJvm.agentArg("host=127.0.0.1,port=0")));
        try (AgentJvm app = AgentJvm.start(flags, AgentJvm.testClasses(), JulApp.class.getName(), "60000")) {
            assertEquals(0, app.awaitExit(90), app.stderr());
            String stdout = app.stdout();
            assertTrue(stdout.contains("JUL agentit.JulApp FINE app up"), "the application's handler works: " + stdout);
            assertTrue(stdout.contains("app done"), stdout);
            List<String> leaked = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("JUL ") && !line.startsWith("JUL agentit.")) {
                    leaked.add(line);
                }
            }
            assertEquals(new ArrayList<String>(), leaked, "records of our libraries in the application's JUL");
            List<String> ours = app.agentLines();
            assertTrue(ours.size() == 1 && ours.get(0).contains("(seccomp)"), "jnr loaded and proved: " + ours);
            assertTrue(!app.stderr().contains("com.kenai.jffi") && !app.stderr().contains("jnr."), app.stderr());
        }
    }
}
