package io.vdsoagent.agent.config;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code start-delay} key: how long the agent's heavy start (registry, first probe with its proof
 * process, instrumentation metrics) waits after premain. {@code auto} waits until the JVM's own start has
 * settled (see {@link StartPacing}), {@code 0} starts at once, a duration waits exactly that long.
 */
public final class StartDelay {
    /** The most {@code auto} waits: an application that never goes quiet (a batch job) still gets its verdicts. */
    public static final long AUTO_MAX_MILLIS = 30_000;
    static final long MAX_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final Pattern DURATION = Pattern.compile("^(\\d{1,9})\\s*(ms|s|m)?$");

    public static final StartDelay AUTO = new StartDelay(true, AUTO_MAX_MILLIS);
    public static final StartDelay NONE = new StartDelay(false, 0);

    private final boolean auto;
    private final long millis;

    private StartDelay(boolean auto, long millis) {
        this.auto = auto;
        this.millis = millis;
    }

    /** {@code auto}, {@code 0}, or a duration up to 10 minutes ({@code 500ms}, {@code 5s}, {@code 1m}; bare = seconds). */
    public static StartDelay parse(String raw) throws ConfigurationException {
        String s = raw.toLowerCase(Locale.ROOT);
        if ("auto".equals(s)) {
            return AUTO;
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw new ConfigurationException("auto, 0 or a duration such as 500ms, 5s, 1m");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millis = "ms".equals(unit) ? n : "s".equals(unit) ? TimeUnit.SECONDS.toMillis(n) : TimeUnit.MINUTES.toMillis(n);
        if (millis > MAX_MILLIS) {
            throw new ConfigurationException("at most 10m");
        }
        return millis == 0 ? NONE : new StartDelay(false, millis);
    }

    /** true: wait for the JVM's start to settle, at most {@link #maxMillis()}. */
    public boolean auto() {
        return auto;
    }

    /** The fixed delay, or the most {@code auto} waits. */
    public long maxMillis() {
        return millis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartDelay && ((StartDelay) o).auto == auto && ((StartDelay) o).millis == millis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(millis) * 31 + (auto ? 1 : 0);
    }

    @Override
    public String toString() {
        return auto ? "auto" : millis + "ms";
    }
}
