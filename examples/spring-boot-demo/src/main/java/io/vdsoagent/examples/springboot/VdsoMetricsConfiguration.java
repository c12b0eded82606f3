package io.vdsoagent.examples.springboot;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.health.ClockHealthMonitor;
import io.vdsoagent.health.Prober;
import io.vdsoagent.publish.VdsoMetrics;
import io.vdsoagent.source.ClocksourceReader;
import io.vdsoagent.source.SystemRoot;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Binds core's {@link VdsoMetrics} into Spring Boot's registry. Spring Boot binds every
 * {@link MeterBinder} bean to its MeterRegistry by itself; the monitor has no threads of its own, so
 * the re-probe and the cheap clocksource poll run on Spring's scheduler.
 */
@Configuration(proxyBeanMethods = false)
class VdsoMetricsConfiguration {

    /** Probes once, on creation (tens of milliseconds). */
    @Bean
    ClockHealthMonitor clockHealthMonitor() {
        return new ClockHealthMonitor(Prober.builder().build(), new ClocksourceReader(SystemRoot.live()));
    }

    @Bean
    MeterBinder vdsoMetrics(ClockHealthMonitor monitor,
                            @Value("${vdso.expose-address:false}") boolean exposeAddress) {
        return VdsoMetrics.builder(monitor).exposeAddress(exposeAddress).build();
    }

    @Bean
    ClockHealthRefresher clockHealthRefresher(ClockHealthMonitor monitor) {
        return new ClockHealthRefresher(monitor);
    }

    /** The same cadence as the agent's defaults (interval=60s, clocksource-poll=5s). */
    static final class ClockHealthRefresher {
        private final ClockHealthMonitor monitor;

        ClockHealthRefresher(ClockHealthMonitor monitor) {
            this.monitor = monitor;
        }

        @Scheduled(fixedDelayString = "${vdso.interval:60s}", initialDelayString = "${vdso.interval:60s}")
        void reprobe() {
            monitor.reprobe();
        }

        @Scheduled(fixedDelayString = "${vdso.clocksource-poll:5s}")
        void pollClocksource() {
            monitor.pollClocksource();
        }
    }
}
