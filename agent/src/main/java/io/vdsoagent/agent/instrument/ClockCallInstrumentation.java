package io.vdsoagent.agent.instrument;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.bootstrap.ClockCallRecorder;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times and counts the application's clock calls by rewriting their call sites (see
 * {@link ClockCallSiteVisitor}). {@link #install} is slow (loading Byte Buddy, retransforming every loaded
 * application class): call it from a background thread, never from premain. It never throws; a failure
 * leaves the application untouched and yields a handle without metrics.
 *
 * <p>The returned handle feeds the metrics ({@link #metrics()}) and the top-sites part of /report and the CLI.
 * Install once per JVM: the recorder is global; a second install returns the first handle.
 */
public final class ClockCallInstrumentation {

    private static final Logger log = LoggerFactory.getLogger(ClockCallInstrumentation.class);
    private static ClockCallInstrumentation installed;

    private final InstrumentSettings settings;
    private final ClockCallSites sites;
    private final ClockCallStats stats;
    private final AtomicLong failedClasses = new AtomicLong();
    private final String notInstalledBecause;
    private volatile ClassFileTransformer transformer;

    private ClockCallInstrumentation(InstrumentSettings settings, ClockCallSites sites, String notInstalledBecause) {
        this.settings = settings;
        this.sites = sites;
        this.stats = new ClockCallStats(sites);
        this.notInstalledBecause = notInstalledBecause;
    }

    /** Installs the call-site rewriting; never throws. */
    public static synchronized ClockCallInstrumentation install(Instrumentation instrumentation,
            InstrumentSettings settings) {
        if (installed != null) {
            return installed;
        }
        if (!settings.enabled()) {
            return new ClockCallInstrumentation(settings, new ClockCallSites(), "instrument=false");
        }
        ClockCallInstrumentation handle = new ClockCallInstrumentation(settings, new ClockCallSites(), null);
        try {
            if (!instrumentation.isRetransformClassesSupported()) {
                log.debug("Retransformation unsupported: classes loaded before now keep their clock calls uncounted");
            }
            ClockCallRecorder.configure(settings.sampleEvery());
            preferSafeByteBuddy();
            long start = System.nanoTime();
            handle.transformer = ClockCallAgentBuilder.install(instrumentation, settings, handle.sites,
                    handle.failedClasses);
            log.debug("Clock call instrumentation installed in {} ms ({}): {} sites, {} classes failed",
                    (System.nanoTime() - start) / 1_000_000, settings, handle.sites.size(), handle.failedClasses.get());
        } catch (Throwable t) {
            log.warn("Clock call instrumentation not installed, application left unchanged: {}", String.valueOf(t));
            return new ClockCallInstrumentation(settings, new ClockCallSites(), String.valueOf(t));
        }
        installed = handle;
        return handle;
    }

    /**
     * Byte Buddy reaches for sun.misc.Unsafe unless its "safe" property is set, and JDK 24+ print a
     * warning on the application's stderr for that. The property name follows our relocation of Byte
     * Buddy, so this never changes the behaviour of an application's own Byte Buddy.
     */
    private static void preferSafeByteBuddy() {
        String property = byteBuddyPackage() + "safe";
        if (System.getProperty(property) == null) {
            System.setProperty(property, "true");
        }
    }

    /**
     * "net.bytebuddy." or its relocated name, from the class name: Class.getPackage() can be null on JDK 8
     * for classes of a custom loader.
     */
    static String byteBuddyPackage() {
        String name = ByteBuddy.class.getName();
        return name.substring(0, name.lastIndexOf('.') + 1);
    }

    /** The jvm_clock_* metrics; binds nothing when the instrumentation is off or failed to install. */
    public MeterBinder metrics() {
        return metrics(Collections.<Tag>emptyList());
    }

    public MeterBinder metrics(Iterable<Tag> tags) {
        if (!isInstalled()) {
            return new MeterBinder() {
                @Override
                public void bindTo(MeterRegistry registry) {
                }
            };
        }
        return new ClockCallMetrics(stats, settings.topSites(), tags);
    }

    /** The top {@code n} call sites as a JSON array of {"site","method","calls"} objects. */
    public String topSitesJson(int n) {
        return ClockCallReport.json(stats, n);
    }

    /** The top {@code n} call sites as text lines for the CLI. */
    public String topSitesText(int n) {
        if (!isInstalled()) {
            return "Clock call instrumentation off: " + notInstalledBecause + System.lineSeparator();
        }
        return ClockCallReport.text(stats, n);
    }

    public boolean isInstalled() {
        return notInstalledBecause == null;
    }

    /** Why the instrumentation is not installed, or null when it is. */
    public String notInstalledBecause() {
        return notInstalledBecause;
    }

    /** Distinct call sites rewritten so far. */
    public int sites() {
        return sites.size();
    }

    /** Classes whose transformation failed (they run unchanged). */
    public long failedClasses() {
        return failedClasses.get();
    }

    ClockCallStats stats() {
        return stats;
    }

    public InstrumentSettings settings() {
        return settings;
    }
}
