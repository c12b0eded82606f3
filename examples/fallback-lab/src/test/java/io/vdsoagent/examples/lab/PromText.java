package io.vdsoagent.examples.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads single samples out of a Prometheus text exposition (the agent's /metrics). */
final class PromText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PromText() {
    }

    /**
     * The value of the first sample named {@code name} whose labels include all of {@code labels},
     * or null when there is none.
     */
    static Double value(String exposition, String name, Map<String, String> labels) {
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.trim());
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> actual = new LinkedHashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    actual.put(label.group(1), label.group(2));
                }
            }
            if (actual.entrySet().containsAll(labels.entrySet())) {
                return Double.valueOf(sample.group(4));
            }
        }
        return null;
    }
}
