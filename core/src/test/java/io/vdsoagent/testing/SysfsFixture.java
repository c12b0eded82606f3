package io.vdsoagent.testing;

import io.vdsoagent.source.SystemRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the clocksource sysfs files of a host (as the kernel prints them) under a temp root. */
public final class SysfsFixture {
    private static final String DIR = "sys/devices/system/clocksource/clocksource0/";

    private SysfsFixture() {
    }

    public static SystemRoot clocksource(Path root, String current, String available) throws IOException {
        Path dir = root.resolve(DIR);
        Files.createDirectories(dir);
        Files.write(dir.resolve("current_clocksource"), (current + "\n").getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("available_clocksource"), (available + " \n").getBytes(StandardCharsets.US_ASCII));
        return SystemRoot.at(root);
    }
}
