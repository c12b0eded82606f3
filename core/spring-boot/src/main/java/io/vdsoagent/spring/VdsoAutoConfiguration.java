package io.vdsoagent.spring;

import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.FlightRecorderEvents;
import io.vdsoagent.publish.VdsoMetrics;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * vdso-agent for a Spring Boot application that adds this dependency: core's {@link ClockHealthService}
 * (first probe on start-up, refresh thread, closed with the context), the {@code vdso_*} metrics on the
 * application's MeterRegistry, the {@code vdso} health component and the {@code vdso} actuator endpoint.
 * With the {@code -javaagent} also loaded, the agent is the one probe: no service and no metrics here (they
 * are on the agent's own endpoint), the health component and endpoint show the agent's snapshot.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "vdso", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(VdsoProperties.class)
public class VdsoAutoConfiguration {
    private static final Log log = LogFactory.getLog(VdsoAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @Conditional(AgentConditions.NoAgent.class)
    static class ApplicationProbe {
        /** JFR events of this application's probes, registered with JFR only once a recording runs. */
        @Bean(destroyMethod = "close")
        FlightRecorderEvents vdsoFlightRecorderEvents() {
            return FlightRecorderEvents.create();
        }

        /** Probes once here, on the context's thread (a few hundred ms), then refreshes on its daemon thread. */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ClockHealthService clockHealthService(VdsoProperties properties, FlightRecorderEvents flightRecorder) {
            ClockHealthService service = ClockHealthService.builder()
                    .detectors(detectors(properties))
                    .refresh(properties.getInterval().toMillis(), properties.getClocksourcePoll().toMillis())
                    .onFailure((task, failure) -> log.warn("vdso: " + task + " failed", failure))
                    .onPoll(flightRecorder::poll)
                    .start();
            flightRecorder.record(service.monitor());
            return service;
        }

        /** Spring Boot binds every MeterBinder bean to the application's MeterRegistry. */
        @Bean
        @ConditionalOnMissingBean
        VdsoMetrics vdsoMetrics(ClockHealthService service, VdsoProperties properties) {
            return VdsoMetrics.builder(service.monitor()).exposeAddress(properties.isExposeAddress()).build();
        }

        @Bean
        @ConditionalOnMissingBean
        ClockHealthView vdsoClockHealthView(ClockHealthService service, VdsoProperties properties) {
            return new LocalClockHealth(service, properties.isExposeAddress());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(AgentConditions.AgentLoaded.class)
    static class AgentProbe {
        @Bean
        @ConditionalOnMissingBean
        ClockHealthView vdsoClockHealthView() {
            return AgentClockHealth.find();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("vdso")
    static class HealthContributor {
        /** Named vdsoHealthIndicator, so the component is {@code vdso}. */
        @Bean
        @ConditionalOnMissingBean(name = "vdsoHealthIndicator")
        VdsoHealthIndicator vdsoHealthIndicator(ClockHealthView view) {
            return new VdsoHealthIndicator(view);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = VdsoEndpoint.class)
    static class ReportEndpoint {
        @Bean
        @ConditionalOnMissingBean
        VdsoEndpoint vdsoEndpoint(ClockHealthView view) {
            return new VdsoEndpoint(view);
        }
    }

    /** Unknown names are left out with one warning (a typo must not stop the application); none left means all. */
    static Set<DetectorId> detectors(VdsoProperties properties) {
        Set<DetectorId> ids = EnumSet.noneOf(DetectorId.class);
        for (String name : properties.getDetectors()) {
            DetectorId id = DetectorId.byLabel(name.trim());
            if (id == null) {
                log.warn("vdso.detectors: unknown detector [" + name + "] left out");
            } else {
                ids.add(id);
            }
        }
        return ids.isEmpty() ? EnumSet.allOf(DetectorId.class) : ids;
    }
}
