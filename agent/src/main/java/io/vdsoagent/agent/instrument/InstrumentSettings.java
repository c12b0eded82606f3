package io.vdsoagent.agent.instrument;

import java.util.List;

/**
 * The instrumentation's configuration, from the agent config keys {@code instrument},
 * {@code instrument-include}, {@code instrument-exclude}, {@code sample-every}, {@code top-sites} and
 * {@code count-mode}. The agent's AgentArguments validates and reports bad values; this class only
 * normalises (sample-every rounded up to a power of two, top-sites at least 0).
 */
public final class InstrumentSettings {

    public static final int DEFAULT_SAMPLE_EVERY = 1024;
    public static final int DEFAULT_TOP_SITES = 20;

    private final boolean enabled;
    private final PackagePatterns include;
    private final PackagePatterns exclude;
    private final int sampleEvery;
    private final int topSites;
    private final CountMode countMode;

    /**
     * @param include comma-separated class-name prefixes to instrument; empty = all application classes
     * @param exclude comma-separated class-name prefixes never to instrument
     */
    public InstrumentSettings(boolean enabled, String include, String exclude, int sampleEvery, int topSites,
            CountMode countMode) {
        this(enabled, PackagePatterns.parse(include), PackagePatterns.parse(exclude), sampleEvery, topSites,
                countMode);
    }

    /** As above, with the include and exclude entries already split (the agent's typed configuration). */
    public InstrumentSettings(boolean enabled, List<String> include, List<String> exclude, int sampleEvery,
            int topSites, CountMode countMode) {
        this(enabled, PackagePatterns.of(include), PackagePatterns.of(exclude), sampleEvery, topSites, countMode);
    }

    private InstrumentSettings(boolean enabled, PackagePatterns include, PackagePatterns exclude, int sampleEvery,
            int topSites, CountMode countMode) {
        this.enabled = enabled;
        this.include = include;
        this.exclude = exclude;
        this.sampleEvery = powerOfTwoAtLeast(sampleEvery);
        this.topSites = Math.max(0, topSites);
        this.countMode = countMode == null ? CountMode.EXACT : countMode;
    }

    public static InstrumentSettings defaults() {
        return new InstrumentSettings(true, "", "", DEFAULT_SAMPLE_EVERY, DEFAULT_TOP_SITES, CountMode.EXACT);
    }

    static int powerOfTwoAtLeast(int n) {
        if (n <= 1) {
            return 1;
        }
        if (n > (1 << 30)) {
            return 1 << 30;
        }
        return Integer.highestOneBit(n - 1) << 1;
    }

    public boolean enabled() {
        return enabled;
    }

    /** True when a class of this name may be instrumented under include/exclude. */
    public boolean instruments(String className) {
        return (include.isEmpty() || include.matches(className)) && !exclude.matches(className);
    }

    public int sampleEvery() {
        return sampleEvery;
    }

    public int topSites() {
        return topSites;
    }

    public CountMode countMode() {
        return countMode;
    }

    @Override
    public String toString() {
        return "enabled=" + enabled + ", include=[" + include + "], exclude=[" + exclude + "], sample-every="
                + sampleEvery + ", top-sites=" + topSites + ", count-mode=" + countMode.name().toLowerCase();
    }
}
