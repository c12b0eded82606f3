package io.vdsoagent.examples.lab;

import java.util.ArrayList;
import java.util.List;

/** What one guest returned: the command's exit status and output, and the guest's wall time. */
record LabRun(String name, String clocksource, int exitCode, String stdout, String stderr, long wallMillis) {

    /**
     * The lines between "== {section}" and the next "== " line of stdout; guest scripts mark the
     * parts of a batched run this way.
     */
    List<String> section(String section) {
        List<String> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : stdout.split("\n", -1)) {
            if (line.startsWith("== ")) {
                inside = line.equals("== " + section);
            } else if (inside) {
                lines.add(line);
            }
        }
        return lines;
    }

    String describe() {
        return name + " (clocksource " + clocksource + ", exit " + exitCode + ")\nstdout:\n" + stdout
                + "\nstderr:\n" + stderr;
    }
}
