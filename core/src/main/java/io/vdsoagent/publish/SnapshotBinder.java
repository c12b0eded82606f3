package io.vdsoagent.publish;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.health.ClockHealthMonitor;

/**
 * What every snapshot binder holds: the monitor its gauges read, the common tags, and the gauges that
 * follow each new snapshot. One binder per concern extends it (Micrometer's one-class-one-concern).
 */
abstract class SnapshotBinder implements MeterBinder {
    final ClockHealthMonitor monitor;
    final Iterable<Tag> tags;
    final SnapshotGauges gauges;

    SnapshotBinder(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        this.monitor = monitor;
        this.tags = tags;
        this.gauges = new SnapshotGauges(monitor);
    }
}
