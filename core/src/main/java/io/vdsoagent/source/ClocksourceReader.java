package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the current and available clocksource from sysfs. Cheap (two tiny files), so the agent
 * polls it every few seconds to notice a runtime switch such as the kernel marking tsc unstable.
 */
public final class ClocksourceReader {
    static final String DIR = "/sys/devices/system/clocksource/clocksource0/";

    /** Kept open on the live root: the agent reads both at every poll and re-probe. */
    private final KeptFile currentFile;
    private final KeptFile availableFile;

    public ClocksourceReader(SystemRoot root) {
        this.currentFile = new KeptFile(root, DIR + "current_clocksource");
        this.availableFile = new KeptFile(root, DIR + "available_clocksource");
    }

    /**
     * Unknown when current_clocksource is missing or not a clocksource name. An unreadable
     * available_clocksource leaves the list empty rather than hiding the current one.
     */
    public Probed<ClocksourceFacts> read() {
        Probed<List<String>> current = names("current_clocksource", currentFile);
        if (!current.known()) {
            return Probed.unknown(current.reason());
        }
        if (current.get().size() != 1) {
            return Probed.unknown(DIR + "current_clocksource holds " + current.get().size() + " names, expected one");
        }
        List<String> available = names("available_clocksource", availableFile).orElse(Collections.<String>emptyList());
        return Probed.of(new ClocksourceFacts(current.get().get(0), available));
    }

    private static Probed<List<String>> names(String file, KeptFile resolved) {
        String path = DIR + file;
        String text;
        try {
            text = resolved.readTrimmedText();
        } catch (NoSuchFileException e) {
            return Probed.unknown(path + " does not exist (no sysfs, or not Linux)");
        } catch (Exception e) {
            return Probed.unknown("cannot read " + path + ": " + Failures.describe(e));
        }
        if (text.isEmpty()) {
            return Probed.unknown(path + " is empty");
        }
        List<String> names = new ArrayList<>();
        for (String token : tokens(text)) {
            if (!isName(token)) {
                return Probed.unknown(path + " holds something that is no clocksource name [" + BoundedFiles.quote(token) + "]");
            }
            names.add(token);
        }
        return Probed.of(names);
    }

    /** The whitespace-separated words of a trimmed text (what split("\\s+") gives, without compiling a regex per read). */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>(4);
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || isRegexSpace(text.charAt(i));
            if (space && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out;
    }

    /**
     * A kernel clocksource name ([A-Za-z0-9_.-]{1,64}: tsc, kvm-clock, hyperv_clocksource_tsc_page,
     * arch_sys_counter, ...); a loop, since the regex costs more than the file read on a re-probe's cold code.
     */
    static boolean isName(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The regex class \\s: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }
}
