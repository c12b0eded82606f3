package io.vdsoagent.publish;

import static io.vdsoagent.publish.SnapshotGauges.live;
import static io.vdsoagent.publish.SnapshotGauges.none;
import static io.vdsoagent.publish.SnapshotGauges.one;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VdsoSymbol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The vDSO image this process has mapped and the address space around it: {@code vdso_info},
 * {@code vdso_image_bytes}, {@code vdso_symbol_info}, {@code vdso_vsyscall_mode_info},
 * {@code vdso_aslr_mode}, and on request {@code vdso_base_address} (an ASLR secret).
 */
public final class VdsoImageMetrics extends SnapshotBinder {
    private final boolean exposeAddress;

    public VdsoImageMetrics(ClockHealthMonitor monitor) {
        this(monitor, Collections.<Tag>emptyList(), false);
    }

    public VdsoImageMetrics(ClockHealthMonitor monitor, Iterable<Tag> tags, boolean exposeAddress) {
        super(monitor, tags);
        this.exposeAddress = exposeAddress;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (exposeAddress) {
            Gauge.builder("vdso.base.address", monitor, VdsoImageMetrics::baseAddress)
                    .tags(tags)
                    .description("The address the vDSO is mapped at (AT_SYSINFO_EHDR); an ASLR secret, exposed on request.")
                    .strongReference(true)
                    .register(registry);
        }
        gauges.bound()
                .add(MultiGauge.builder("vdso.info")
                        .tags(tags)
                        .description("The vDSO this process has mapped: architecture, soname, kernel release and build id.")
                        .register(registry), VdsoImageMetrics::info)
                .add(MultiGauge.builder("vdso.image.bytes")
                        .tags(tags)
                        .description("Size of the vDSO image mapped into this process.")
                        .baseUnit(BaseUnits.BYTES)
                        .register(registry), this::imageBytes)
                .add(MultiGauge.builder("vdso.symbol.info")
                        .tags(tags)
                        .description("One series per dynamic symbol the vDSO exports, with its version.")
                        .register(registry), VdsoImageMetrics::symbols)
                .add(MultiGauge.builder("vdso.vsyscall.mode.info")
                        .tags(tags)
                        .description("The legacy vsyscall page's mode: none, xonly, emulate or native.")
                        .register(registry), VdsoImageMetrics::vsyscall)
                .add(MultiGauge.builder("vdso.aslr.mode")
                        .tags(tags)
                        .description("The kernel's randomize_va_space: 0 off, 1 partial, 2 full address space randomisation.")
                        .register(registry), this::aslr)
                .refresh(monitor.current());
    }

    private static List<MultiGauge.Row<?>> info(ClockHealth h) {
        HostFacts host = h.host();
        if (!host.vdso().known()) {
            return none();
        }
        VdsoFacts v = host.vdso().get();
        return one(Tags.of("arch", host.arch().orElse(v.elfMachine()),
                "soname", v.soname(),
                "kernel_release", host.kernelRelease().orElse(""),
                "build_id", v.buildId()), 1);
    }

    private List<MultiGauge.Row<?>> imageBytes(ClockHealth h) {
        return h.host().vdso().known() ? live(Tags.empty(), () -> {
            HostFacts now = monitor.current().host();
            return now.vdso().known() ? now.vdso().get().imageBytes() : Double.NaN;
        }) : none();
    }

    private static List<MultiGauge.Row<?>> symbols(ClockHealth h) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (h.host().vdso().known()) {
            for (VdsoSymbol s : h.host().vdso().get().symbols()) {
                rows.add(MultiGauge.Row.of(Tags.of("symbol", s.name(), "version", s.version()), 1));
            }
        }
        return rows;
    }

    private static List<MultiGauge.Row<?>> vsyscall(ClockHealth h) {
        return h.host().vsyscall().known() ? one(Tags.of("mode", h.host().vsyscall().get().label()), 1) : none();
    }

    private List<MultiGauge.Row<?>> aslr(ClockHealth h) {
        return h.host().aslr().known() ? live(Tags.empty(), () -> {
            HostFacts now = monitor.current().host();
            return now.aslr().known() ? now.aslr().get() : Double.NaN;
        }) : none();
    }

    private static double baseAddress(ClockHealthMonitor m) {
        HostFacts host = m.current().host();
        // Addresses are below 2^47 on current hardware: a double holds them exactly.
        return host.vdso().known() ? (double) host.vdso().get().baseAddress() : Double.NaN;
    }
}
