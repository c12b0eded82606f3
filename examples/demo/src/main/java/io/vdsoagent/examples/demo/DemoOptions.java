package io.vdsoagent.examples.demo;

import java.util.Properties;

/**
 * The demo's settings: {@code --rate=N} reads per second in total, {@code --threads=N},
 * {@code --duration=30s|5m|0} (0 = until stopped). Each may also come from a system property
 * ({@code -Ddemo.rate=...}); arguments win.
 */
final class DemoOptions {
    static final String USAGE = "usage: java [-javaagent:vdso-agent.jar] -jar demo.jar"
            + " [--rate=READS_PER_SECOND] [--threads=N] [--duration=0|SECONDS|30s|5m]";

    final double ratePerSecond;
    final int threads;
    /** 0 means run until stopped. */
    final long durationMillis;

    private DemoOptions(double ratePerSecond, int threads, long durationMillis) {
        this.ratePerSecond = ratePerSecond;
        this.threads = threads;
        this.durationMillis = durationMillis;
    }

    static DemoOptions parse(String[] args, Properties systemProperties) {
        String rate = systemProperties.getProperty("demo.rate", "1000");
        String threads = systemProperties.getProperty("demo.threads", "1");
        String duration = systemProperties.getProperty("demo.duration", "0");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            if (key.equals("--rate")) {
                rate = value;
            } else if (key.equals("--threads")) {
                threads = value;
            } else if (key.equals("--duration")) {
                duration = value;
            } else {
                throw new IllegalArgumentException("unknown argument [" + arg + "]");
            }
        }
        double parsedRate = parseNumber("rate", rate);
        if (!(parsedRate > 0) || Double.isInfinite(parsedRate)) {
            throw new IllegalArgumentException("rate must be a positive number [" + rate + "]");
        }
        double parsedThreads = parseNumber("threads", threads);
        if (parsedThreads < 1 || parsedThreads > 256 || parsedThreads != Math.rint(parsedThreads)) {
            throw new IllegalArgumentException("threads must be a whole number from 1 to 256 [" + threads + "]");
        }
        return new DemoOptions(parsedRate, (int) parsedThreads, parseDurationMillis(duration));
    }

    /** The rate each thread keeps so that all threads together read {@link #ratePerSecond}. */
    double ratePerThread() {
        return ratePerSecond / threads;
    }

    static long parseDurationMillis(String text) {
        String t = text.trim();
        long unitMillis = 1000;
        if (t.endsWith("ms")) {
            unitMillis = 1;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unitMillis = 60_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unitMillis = 3_600_000;
            t = t.substring(0, t.length() - 1);
        }
        double amount = parseNumber("duration", t);
        if (amount < 0 || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("duration must not be negative [" + text + "]");
        }
        return (long) (amount * unitMillis);
    }

    private static double parseNumber(String key, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number [" + value + "]");
        }
    }
}
