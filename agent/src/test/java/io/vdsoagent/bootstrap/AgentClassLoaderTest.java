package io.vdsoagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URL;
import org.junit.jupiter.api.Test;

class AgentClassLoaderTest {
    @Test
    void classFilesAreStoredRenamedUnderInst() {
        assertEquals("inst/a/B.classdata", AgentClassLoader.entryName("a/B.class"));
        assertEquals("inst/a/B.classdata", AgentClassLoader.entryName("/a/B.class"));
        assertEquals("inst/META-INF/services/x.Y", AgentClassLoader.entryName("META-INF/services/x.Y"));
        assertEquals("inst/jni/x86_64-Linux/libjffi-1.2.so", AgentClassLoader.entryName("jni/x86_64-Linux/libjffi-1.2.so"));
    }

    @Test
    void jarOfAClassUrl() throws Exception {
        assertEquals(new File("/opt/my agent/vdso-agent.jar"),
                AgentBootstrap.jarOf(new URL("jar:file:/opt/my%20agent/vdso-agent.jar!/io/vdsoagent/bootstrap/AgentBootstrap.class")));
    }
}
