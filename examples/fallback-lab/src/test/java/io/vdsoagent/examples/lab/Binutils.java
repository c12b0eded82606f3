package io.vdsoagent.examples.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cross binutils' view of a vDSO image dumped in an aarch64 guest: {@code aarch64-linux-gnu-objdump -T}
 * and {@code aarch64-linux-gnu-readelf -n} (package binutils-aarch64-linux-gnu), the judges of the
 * agent's ELF parse; core's {@code ObjdumpDynamicSymbols} reads the symbol table.
 */
final class Binutils {

    private static final Pattern BUILD_ID = Pattern.compile("Build ID: ([0-9a-f]+)");

    private Binutils() {
    }

    /** The GNU build-id note's hex, or "" when readelf shows none. */
    static String buildId(String readelfOutput) {
        Matcher id = BUILD_ID.matcher(readelfOutput);
        return id.find() ? id.group(1) : "";
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail(command + " failed:\n" + out);
        }
        return out;
    }

    static String objdumpT(Path image) throws IOException, InterruptedException {
        return run(List.of("aarch64-linux-gnu-objdump", "-T", image.toString()));
    }

    static String readelfNotes(Path image) throws IOException, InterruptedException {
        return run(List.of("aarch64-linux-gnu-readelf", "-n", image.toString()));
    }
}
