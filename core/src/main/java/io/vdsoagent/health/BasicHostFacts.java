package io.vdsoagent.health;

import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.Probed;
import io.vdsoagent.source.SystemRoot;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VsyscallMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/**
 * Stand-in for the sources' HostFactsReader until it is merged: the few sysfs/procfs files the
 * detectors need, everything else unknown with the reason.
 */
final class BasicHostFacts {
    private static final String NOT_READ = "the vDSO/maps readers are not integrated in this build";

    private BasicHostFacts() {
    }

    static HostFacts read(SystemRoot root) {
        return new HostFacts(text(root, "/proc/sys/kernel/osrelease"), Probed.of(System.getProperty("os.arch")),
                Probed.<VdsoFacts>unknown(NOT_READ), clocksource(root), Probed.<VsyscallMode>unknown(NOT_READ),
                aslr(root));
    }

    static Probed<ClocksourceFacts> clocksource(SystemRoot root) {
        String dir = "/sys/devices/system/clocksource/clocksource0/";
        Probed<String> current = text(root, dir + "current_clocksource");
        Probed<String> available = text(root, dir + "available_clocksource");
        if (!current.known()) {
            return Probed.unknown(current.reason());
        }
        List<String> names = available.known() && !available.get().isEmpty()
                ? Arrays.asList(available.get().split("\\s+")) : Arrays.<String>asList();
        return Probed.of(new ClocksourceFacts(current.get(), names));
    }

    private static Probed<Integer> aslr(SystemRoot root) {
        Probed<String> s = text(root, "/proc/sys/kernel/randomize_va_space");
        if (!s.known()) {
            return Probed.unknown(s.reason());
        }
        try {
            return Probed.of(Integer.parseInt(s.get()));
        } catch (NumberFormatException e) {
            return Probed.unknown("not a number [" + s.get() + "]");
        }
    }

    private static Probed<String> text(SystemRoot root, String path) {
        try {
            return Probed.of(new String(Files.readAllBytes(root.resolve(path)), StandardCharsets.US_ASCII).trim());
        } catch (Exception e) {
            return Probed.unknown("cannot read " + path + ": " + e);
        }
    }
}
