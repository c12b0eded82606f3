package io.vdsoagent.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A comma-separated list of class-name patterns, as in {@code instrument-include=com.acme,org.foo.Bar}.
 * An entry matches the class of that exact name and every class in that package or below it;
 * {@code com.acme.*} and {@code com.acme.} mean the same as {@code com.acme}.
 */
final class PackagePatterns {

    private final List<String> prefixes;

    private PackagePatterns(List<String> prefixes) {
        this.prefixes = prefixes;
    }

    static PackagePatterns parse(String list) {
        return of(list == null ? Collections.<String>emptyList() : Arrays.asList(list.split(",")));
    }

    /** The entries as already split, e.g. from the agent's typed configuration. */
    static PackagePatterns of(List<String> entries) {
        List<String> prefixes = new ArrayList<String>();
        for (String raw : entries) {
            String p = raw.trim();
            if (p.endsWith("*")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.endsWith(".")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                prefixes.add(p);
            }
        }
        return new PackagePatterns(Collections.unmodifiableList(prefixes));
    }

    boolean isEmpty() {
        return prefixes.isEmpty();
    }

    boolean matches(String className) {
        for (String p : prefixes) {
            if (className.startsWith(p)
                    && (className.length() == p.length() || className.charAt(p.length()) == '.'
                            || className.charAt(p.length()) == '$')) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(",", prefixes);
    }
}
