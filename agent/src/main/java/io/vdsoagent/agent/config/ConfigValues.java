package io.vdsoagent.agent.config;

/**
 * The small parsers and the quoting every configuration class shares, below them all: {@link ConfigKey}'s
 * parsers, {@link PortRange} and {@link AgentArguments} use these, and these use none of them.
 */
final class ConfigValues {
    private ConfigValues() {
    }

    static Integer toInt(String raw, int min, int max) throws ConfigurationException {
        long n;
        try {
            n = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("not a number");
        }
        if (n < min || n > max) {
            throw new ConfigurationException("must be between " + min + " and " + max);
        }
        return (int) n;
    }

    /** A user's value as a message may show it: at most 60 characters, control characters as '?'. */
    static String quote(String raw) {
        return oneLine(raw.length() <= 60 ? raw : raw.substring(0, 60) + "...");
    }

    /** Control characters as '?': a path or an error naming one stays one log line (and forges none). */
    static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
