package io.vdsoagent.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Starts a child JVM on the test class path (surefire/failsafe hide it behind a manifest jar). */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static DebianTools.Result run(Map<String, String> env, List<String> jvmArgs, Class<?> main, String... args)
            throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(main.getName());
        cmd.addAll(Arrays.asList(args));
        return DebianTools.run(null, env, cmd);
    }
}
