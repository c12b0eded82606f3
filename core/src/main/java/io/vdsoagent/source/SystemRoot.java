package io.vdsoagent.source;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the sources find /proc and /sys: the real root in production, a fixture tree in tests
 * (e.g. {@code src/test/resources/hosts/hpet/sys/devices/system/clocksource/...}).
 */
public final class SystemRoot {
    private static final SystemRoot LIVE = new SystemRoot(Paths.get("/"));
    private final Path root;

    private SystemRoot(Path root) {
        this.root = root;
    }

    public static SystemRoot live() {
        return LIVE;
    }

    public static SystemRoot at(Path fixtureRoot) {
        return new SystemRoot(fixtureRoot);
    }

    public boolean isLive() {
        return this == LIVE || root.equals(LIVE.root);
    }

    /** Resolves an absolute path such as {@code /proc/self/auxv} under this root. */
    public Path resolve(String absolutePath) {
        return root.resolve(absolutePath.startsWith("/") ? absolutePath.substring(1) : absolutePath);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
