package io.vdsoagent.agent.otlp;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts OTLP exports by result and logs the first failure once (later ones at debug): a collector that
 * is down for a day must not write a line per step on the application's stderr. The counts are
 * {@code vdso_agent_otlp_exports_total{result}} on the agent's own /metrics.
 */
final class ExportOutcomes {
    private static final Logger log = LoggerFactory.getLogger(ExportOutcomes.class);

    private final String endpointForLog;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final Runnable afterFirst;

    ExportOutcomes(String endpointForLog, Runnable afterFirst) {
        this.endpointForLog = endpointForLog;
        this.afterFirst = afterFirst;
    }

    void sent() {
        sent.incrementAndGet();
        firstOver();
    }

    private void firstOver() {
        if (first.compareAndSet(true, false)) {
            afterFirst.run();
        }
    }

    /** @param reason what went wrong, without the request (its headers are secrets) */
    void failed(String reason) {
        failed.incrementAndGet();
        reason = oneLine(reason);
        if (warned.compareAndSet(false, true)) {
            log.warn("OTLP export to {} failed, retried every step and counted in vdso_agent_otlp_exports_total"
                    + "{result=\"failed\"} (logged once): {}", endpointForLog, reason);
        } else {
            log.debug("OTLP export to {} failed: {}", endpointForLog, reason);
        }
        firstOver();
    }

    /** At most 200 characters (a receiver's error body can be long), control characters as '?'. */
    static String oneLine(String reason) {
        String s = reason.length() <= 200 ? reason : reason.substring(0, 200) + "...";
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    long sentCount() {
        return sent.get();
    }

    long failedCount() {
        return failed.get();
    }

    void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("vdso.agent.otlp.exports", this, ExportOutcomes::sentCount).tag("result", "sent")
                .description("OTLP exports of the vdso_* metrics by result (otlp-endpoint).")
                .register(registry);
        FunctionCounter.builder("vdso.agent.otlp.exports", this, ExportOutcomes::failedCount).tag("result", "failed")
                .description("OTLP exports of the vdso_* metrics by result (otlp-endpoint).")
                .register(registry);
    }
}
