package io.vdsoagent.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.vdsoagent.detect.DetectorId;
import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.VdsoMetrics;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which beans the auto-configuration makes, with and without an agent and when switched off. */
class VdsoAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VdsoAutoConfiguration.class))
            // the cheapest detector keeps this test fast; the ITs run them all
            .withPropertyValues("vdso.detectors=clocksource", "management.endpoints.web.exposure.include=vdso");

    @Test
    void withoutAnAgentTheApplicationProbes() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ClockHealthService.class).hasSingleBean(VdsoMetrics.class)
                    .hasSingleBean(VdsoEndpoint.class).hasBean("vdsoHealthIndicator");
            Health health = context.getBean(VdsoHealthIndicator.class).health();
            assertThat(health.getStatus()).isIn(Status.UP, VdsoHealthIndicator.CLOCK_FALLBACK);
            assertThat(health.getDetails()).containsEntry("source", "application").containsKey("clocks");
            assertThat(context.getBean(VdsoEndpoint.class).report()).startsWith("{\"headline\":");
        });
    }

    /** The property the agent's premain sets; with no agent really running, nothing was shared yet. */
    @Test
    void withAnAgentLoadedTheApplicationDoesNotProbe() {
        String before = System.setProperty(AgentClockHealth.LOADED_PROPERTY, "premain");
        try {
            runner.run(context -> {
                assertThat(context).doesNotHaveBean(ClockHealthService.class).doesNotHaveBean(VdsoMetrics.class);
                Health health = context.getBean(VdsoHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
                assertThat(health.getDetails()).containsEntry("source", "agent").containsKey("waitingFor");
                assertThat(context.getBean(VdsoEndpoint.class).report()).isNull();
            });
        } finally {
            if (before == null) {
                System.clearProperty(AgentClockHealth.LOADED_PROPERTY);
            } else {
                System.setProperty(AgentClockHealth.LOADED_PROPERTY, before);
            }
        }
    }

    @Test
    void switchedOff() {
        runner.withPropertyValues("vdso.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(ClockHealthService.class).doesNotHaveBean(ClockHealthView.class));
    }

    @Test
    void healthIndicatorCanBeSwitchedOffAlone() {
        runner.withPropertyValues("management.health.vdso.enabled=false").run(context ->
                assertThat(context).hasSingleBean(ClockHealthService.class).doesNotHaveBean("vdsoHealthIndicator"));
    }

    @Test
    void anUnknownDetectorIsLeftOutNotFatal() {
        VdsoProperties p = new VdsoProperties();
        p.setDetectors(List.of("seccomp", "sundial"));
        assertThat(VdsoAutoConfiguration.detectors(p)).isEqualTo(EnumSet.of(DetectorId.SECCOMP));
        p.setDetectors(List.of("sundial"));
        assertThat(VdsoAutoConfiguration.detectors(p)).isEqualTo(EnumSet.allOf(DetectorId.class));
    }
}
