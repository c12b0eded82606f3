package io.vdsoagent.examples.springboot;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.VdsoMetrics;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds core's {@link VdsoMetrics} into Spring Boot's registry. Spring Boot binds every
 * {@link MeterBinder} bean to its MeterRegistry by itself. Probing and refresh belong to core's
 * {@link ClockHealthService}, the same owner the agent uses; Spring closes it (and its refresh thread)
 * with the context.
 */
@Configuration(proxyBeanMethods = false)
class VdsoMetricsConfiguration {

    /** Probes once, on creation (tens of milliseconds); the same cadence as the agent's defaults. */
    @Bean(destroyMethod = "close")
    ClockHealthService clockHealthService(@Value("${vdso.interval:60s}") Duration interval,
                                          @Value("${vdso.clocksource-poll:5s}") Duration clocksourcePoll) {
        return ClockHealthService.builder()
                .refresh(interval.toMillis(), clocksourcePoll.toMillis())
                .start();
    }

    @Bean
    MeterBinder vdsoMetrics(ClockHealthService health,
                            @Value("${vdso.expose-address:false}") boolean exposeAddress) {
        return VdsoMetrics.builder(health.monitor()).exposeAddress(exposeAddress).build();
    }
}
