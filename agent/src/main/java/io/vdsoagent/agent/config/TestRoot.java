package io.vdsoagent.agent.config;

import io.vdsoagent.source.SystemRoot;
import java.nio.file.Paths;

/**
 * TEST-ONLY hook: system property {@code vdso.agent.test-root=<dir>} makes the agent read /proc and
 * /sys under a fixture tree instead of the real root (the fault-matrix tests feed it truncated auxv,
 * corrupt ELF images, junk sysfs). Deliberately not a configuration key: not documented for users,
 * not settable through agent arguments or the environment. The detectors still probe the live JVM.
 */
public final class TestRoot {
    public static final String PROPERTY = "vdso.agent.test-root";

    private TestRoot() {
    }

    public static SystemRoot systemRoot() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isEmpty() ? SystemRoot.live() : SystemRoot.at(Paths.get(dir));
    }
}
