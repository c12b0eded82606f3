package io.vdsoagent.agent.instrument;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.base.JsonStrings;
import io.vdsoagent.bootstrap.clockcall.ClockCallLoadTime;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times and counts the application's clock calls by rewriting their call sites (see
 * {@link ClockCallSiteVisitor}). Two modes:
 * <ul>
 * <li>premain ({@code -javaagent}): premain registered {@link ClockCallLoadTime}, which rewrites each
 * application class as it loads; {@link #install} only wraps it. Nothing is retransformed, except
 * application classes a JDK 24+ AOT cache loaded before premain (as in attach mode).</li>
 * <li>attach ({@code attach PID}): {@link #install} registers the same transformer and retransforms the
 * loaded classes that need it, except those with a frame on some thread's stack (a retransformed method
 * that is running stays interpreted for as long as that frame lives); those wait for
 * {@link #retryWaitingClasses()}, which the agent calls at each clocksource poll.</li>
 * </ul>
 * It never throws; a failure leaves the application untouched and yields a handle without metrics.
 * Install once per JVM: the recorder is global; a second install returns the first handle.
 */
public final class ClockCallInstrumentation {

    private static final Logger log = LoggerFactory.getLogger(ClockCallInstrumentation.class);

    private final InstrumentSettings settings;
    private final ClockCallSites sites;
    private final ClockCallStats stats;
    private final Instrumentation instrumentation;
    private final ClockCallLoadTime loadTime;
    private final String notInstalledBecause;
    /** Attach mode: classes to retransform once no thread runs any of their methods. */
    private final Map<Class<?>, Boolean> waitingForFrames = new WeakHashMap<Class<?>, Boolean>();
    private final AtomicLong retransformed = new AtomicLong();
    private final AtomicLong retransformFailed = new AtomicLong();

    private ClockCallInstrumentation(InstrumentSettings settings, ClockCallSites sites, Instrumentation instrumentation,
            ClockCallLoadTime loadTime, String notInstalledBecause) {
        this.settings = settings;
        this.sites = sites;
        this.stats = new ClockCallStats(sites);
        this.instrumentation = instrumentation;
        this.loadTime = loadTime;
        this.notInstalledBecause = notInstalledBecause;
    }

    private static ClockCallInstrumentation off(InstrumentSettings settings, String because) {
        return new ClockCallInstrumentation(settings, new ClockCallSites(), null, null, because);
    }

    /** Installs (attach) or adopts (premain) the call-site rewriting; never throws. */
    public static synchronized ClockCallInstrumentation install(Instrumentation instrumentation,
            InstrumentSettings settings) {
        ClockCallLoadTime loadTime = ClockCallLoadTime.active();
        if (loadTime != null && loadTime.owner() instanceof ClockCallInstrumentation) {
            return (ClockCallInstrumentation) loadTime.owner(); // one handle per transformer, i.e. per JVM
        }
        if (!settings.enabled()) {
            if (loadTime != null) {
                loadTime.stop("instrument=false");
            }
            return off(settings, "instrument=false");
        }
        try {
            ClockCallRewriter rewriter = ClockCallRewriter.forAttach(settings, instrumentation);
            ClockCallInstrumentation handle;
            if (loadTime != null && loadTime.fromPremain()) {
                if (loadTime.notRewritingBecause() != null) {
                    log.warn("Clock call instrumentation not installed, application left unchanged: {}",
                            loadTime.notRewritingBecause());
                    return off(settings, loadTime.notRewritingBecause());
                }
                handle = new ClockCallInstrumentation(rewriter.settings(), rewriter.sites(), instrumentation, loadTime,
                        null);
                // Classes an AOT cache (JDK 24+) loaded before premain never passed the transformer.
                handle.rewriteClassesLoadedBeforePremain();
            } else {
                loadTime = ClockCallLoadTime.registerForAttach(instrumentation, rewriter);
                handle = new ClockCallInstrumentation(rewriter.settings(), rewriter.sites(), instrumentation, loadTime,
                        null);
                long start = System.nanoTime();
                handle.retransformLoadedClasses();
                log.debug("Clock call instrumentation attached in {} ms: {} classes retransformed, {} wait for "
                        + "their running methods to return, {} failed", (System.nanoTime() - start) / 1_000_000,
                        handle.retransformed.get(), handle.waitingClasses(), handle.failedClasses());
            }
            loadTime.owner(handle);
            return handle;
        } catch (Throwable t) {
            log.warn("Clock call instrumentation not installed, application left unchanged: {}", String.valueOf(t));
            return off(settings, String.valueOf(t));
        }
    }

    private void rewriteClassesLoadedBeforePremain() {
        List<Class<?>> candidates = candidates(loadTime.loadedBeforeRegistration());
        if (candidates.isEmpty()) {
            return;
        }
        instrumentation.addTransformer(loadTime.forRetransforming(new HashSet<Class<?>>(candidates)), true);
        retransformUnlessRunning(candidates);
    }

    private void retransformLoadedClasses() {
        retransformCandidates(instrumentation.getAllLoadedClasses());
    }

    private void retransformCandidates(Class<?>[] classes) {
        retransformUnlessRunning(candidates(classes));
    }

    private List<Class<?>> candidates(Class<?>[] classes) {
        List<Class<?>> candidates = new ArrayList<Class<?>>();
        if (classes.length == 0) {
            return candidates;
        }
        if (!instrumentation.isRetransformClassesSupported()) {
            log.debug("Retransformation unsupported: classes loaded before now keep their clock calls uncounted");
            return candidates;
        }
        for (Class<?> type : classes) {
            try {
                if (instrumentation.isModifiableClass(type) && settings.instruments(type.getName())
                        && loadTime.isCandidate(type)) {
                    candidates.add(type);
                }
            } catch (Throwable t) {
                retransformFailed.incrementAndGet(); // a class whose loader cannot even read its file
            }
        }
        return candidates;
    }

    /**
     * Attach mode: retransforms the classes that had a running method last time, if none has one now.
     * Cheap when nothing waits; called by the agent's refresh thread.
     */
    public void retryWaitingClasses() {
        List<Class<?>> waiting;
        synchronized (this) {
            if (waitingForFrames.isEmpty()) {
                return;
            }
            waiting = new ArrayList<Class<?>>(waitingForFrames.keySet());
        }
        retransformUnlessRunning(waiting);
    }

    private synchronized void retransformUnlessRunning(Collection<Class<?>> classes) {
        if (classes.isEmpty()) {
            return;
        }
        // Same-named classes of other loaders wait too: a stack trace names classes, not loaders.
        Set<String> running = classesOnAnyStack();
        for (Class<?> type : classes) {
            if (running.contains(type.getName())) {
                waitingForFrames.put(type, Boolean.TRUE);
                continue;
            }
            waitingForFrames.remove(type);
            try {
                instrumentation.retransformClasses(type);
                retransformed.incrementAndGet();
            } catch (Throwable t) {
                retransformFailed.incrementAndGet();
                log.debug("Clock calls in [{}] not instrumented, class left unchanged: {}", type.getName(),
                        String.valueOf(t));
            }
        }
    }

    private static Set<String> classesOnAnyStack() {
        Set<String> names = new HashSet<String>();
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                names.add(frame.getClassName());
            }
        }
        return names;
    }

    /** The jvm_clock_* metrics; binds nothing when the instrumentation is off or failed to install. */
    public MeterBinder metrics() {
        return metrics(Collections.<Tag>emptyList());
    }

    public MeterBinder metrics(final Iterable<Tag> tags) {
        if (!isInstalled()) {
            return new MeterBinder() {
                @Override
                public void bindTo(MeterRegistry registry) {
                }
            };
        }
        final ClockCallMetrics calls = new ClockCallMetrics(stats, settings.topSites(), tags);
        return new MeterBinder() {
            @Override
            public void bindTo(MeterRegistry registry) {
                calls.bindTo(registry);
                classGauge(registry, tags, "instrumented", ClockCallLoadTime.REWRITTEN);
                classGauge(registry, tags, "skipped_running", -1);
                classGauge(registry, tags, "failed", ClockCallLoadTime.FAILED);
                classGauge(registry, tags, "too_large", ClockCallLoadTime.TOO_LARGE);
                classGauge(registry, tags, "retransformed", -2);
                classGauge(registry, tags, "seen", ClockCallLoadTime.SEEN);
                classGauge(registry, tags, "prefilter_rejected", ClockCallLoadTime.PRE_FILTER_REJECTED);
                classGauge(registry, tags, "not_application", ClockCallLoadTime.NOT_APPLICATION);
                Gauge.builder("jvm.clock.instrumentation.transform", ClockCallInstrumentation.this,
                                h -> h.loadTime.count(ClockCallLoadTime.TRANSFORM_NANOS) / 1e9)
                        .tags(tags)
                        .baseUnit("seconds")
                        .description("Time spent in the clock-call class transformer, all classes and threads together.")
                        .register(registry);
            }
        };
    }

    private void classGauge(MeterRegistry registry, Iterable<Tag> tags, String state, final int which) {
        Gauge.builder("jvm.clock.instrumentation.classes", this, h -> h.classes(which))
                .tags(tags)
                .tag("state", state)
                .description("Classes by what the clock-call instrumentation did with them "
                        + "(skipped_running: attach mode, waiting for their running methods to return; too_large: a method"
                        + " would pass the JVM's 64 KiB with the recorder calls, so the class runs unchanged and uncounted).")
                .register(registry);
    }

    private double classes(int which) {
        if (which == -1) {
            return waitingClasses();
        }
        if (which == -2) {
            return retransformed.get();
        }
        if (which == ClockCallLoadTime.FAILED) {
            return failedClasses();
        }
        return loadTime.count(which);
    }

    /** The top {@code n} call sites as a JSON array of {"site","method","calls"} objects. */
    public String topSitesJson(int n) {
        return ClockCallReport.json(stats, n);
    }

    /** What happened to the classes, as a JSON object for /report. */
    public String classesJson() {
        if (!isInstalled()) {
            return "{}";
        }
        return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"seen\":%d,\"preFilterRejected\":%d,"
                        + "\"notApplication\":%d,\"instrumented\":%d,\"unchanged\":%d,\"skippedWhileRunning\":%d,"
                        + "\"failed\":%d,\"tooLarge\":%d,\"tooLargeClasses\":%s,\"retransformed\":%d,"
                        + "\"transformSeconds\":%.3f,\"rewriterLoadSeconds\":%.3f}",
                loadTime.fromPremain() ? "premain" : "attach", loadTime.count(ClockCallLoadTime.SEEN),
                loadTime.count(ClockCallLoadTime.PRE_FILTER_REJECTED), loadTime.count(ClockCallLoadTime.NOT_APPLICATION),
                loadTime.count(ClockCallLoadTime.REWRITTEN), loadTime.count(ClockCallLoadTime.UNCHANGED),
                waitingClasses(), failedClasses(), loadTime.count(ClockCallLoadTime.TOO_LARGE),
                jsonArray(loadTime.tooLargeClasses()), retransformed.get(),
                loadTime.count(ClockCallLoadTime.TRANSFORM_NANOS) / 1e9,
                loadTime.count(ClockCallLoadTime.REWRITER_LOAD_NANOS) / 1e9);
    }

    private static String jsonArray(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (String v : values) {
            if (out.length() > 1) {
                out.append(',');
            }
            JsonStrings.quote(out, v);
        }
        return out.append(']').toString();
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

    /** Classes whose transformation or retransformation failed (they run unchanged). */
    public long failedClasses() {
        return (loadTime == null ? 0 : loadTime.count(ClockCallLoadTime.FAILED)) + retransformFailed.get();
    }

    /** Classes we retransformed (attach mode only; 0 in premain mode). */
    public long retransformedClasses() {
        return retransformed.get();
    }

    /** Attach mode: classes not yet retransformed because a thread was running one of their methods. */
    public synchronized int waitingClasses() {
        return waitingForFrames.size();
    }

    ClockCallStats stats() {
        return stats;
    }

    public InstrumentSettings settings() {
        return settings;
    }
}
