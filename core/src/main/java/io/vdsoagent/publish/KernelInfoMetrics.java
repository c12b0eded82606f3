package io.vdsoagent.publish;

import static io.vdsoagent.publish.SnapshotGauges.one;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.KernelIdentity;
import java.util.Collections;
import java.util.List;

/**
 * {@code vdso_kernel_info{boot_id,kernel_release,arch,runtime} 1}: which kernel this JVM runs on, the join
 * key of everything that belongs to a kernel rather than to a JVM. Always exactly one series; a part that
 * could not be read is {@value KernelIdentity#UNKNOWN} (its reason is in {@code /report}).
 */
public final class KernelInfoMetrics extends SnapshotBinder {
    /** The Micrometer name; Prometheus shows {@code vdso_kernel_info}. */
    public static final String NAME = "vdso.kernel.info";
    public static final String BOOT_ID = "boot_id";
    public static final String KERNEL_RELEASE = "kernel_release";
    public static final String ARCH = "arch";
    public static final String RUNTIME = "runtime";

    public KernelInfoMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList());
    }

    public KernelInfoMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags) {
        super(monitor, tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauges.bound()
                .add(MultiGauge.builder(NAME)
                        .tags(tags)
                        .description("The kernel this JVM runs on: boot id (one per running kernel, shared by a node's containers), release, architecture and runtime (linux or a sandbox's kernel such as gvisor).")
                        .register(registry), KernelInfoMetrics::info)
                .refresh(monitor.current());
    }

    /** The label set of the one series (also for callers that publish the identity elsewhere). */
    public static Tags tagsOf(KernelIdentity k) {
        return Tags.of(BOOT_ID, k.bootIdLabel(), KERNEL_RELEASE, k.releaseLabel(), ARCH, k.archLabel(),
                RUNTIME, k.runtimeLabel());
    }

    private static List<MultiGauge.Row<?>> info(ClockHealth h) {
        return one(tagsOf(h.host().kernel()), 1);
    }
}
