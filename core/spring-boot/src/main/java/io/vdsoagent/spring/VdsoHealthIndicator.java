package io.vdsoagent.spring;

import io.vdsoagent.publish.HealthDetails;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The {@code vdso} health component: the verdicts as details. A clock that falls back to syscalls is the
 * node's problem (its clocksource), not this application's, and restarting the pod would not fix it: the
 * status is then {@value #CLOCK_FALLBACK_CODE}, which Spring Boot's default status order does not list,
 * so it never changes the aggregate status, {@code /actuator/health}'s HTTP code, or the liveness and
 * readiness groups (which include only their own state contributors). UP otherwise; UNKNOWN until the
 * first probe (the agent's, with the {@code -javaagent}) has finished.
 */
public class VdsoHealthIndicator implements HealthIndicator {
    public static final String CLOCK_FALLBACK_CODE = "CLOCK_FALLBACK";
    public static final Status CLOCK_FALLBACK = new Status(CLOCK_FALLBACK_CODE,
            "clock_gettime falls back to syscalls on this node: a node (clocksource) problem; restarting will not help");

    private final ClockHealthView view;

    public VdsoHealthIndicator(ClockHealthView view) {
        this.view = view;
    }

    @Override
    public Health health() {
        Map<String, Object> details = view.details();
        if (details == null) {
            return Health.unknown().withDetail("source", view.source())
                    .withDetail("waitingFor", view.waitingFor()).build();
        }
        Status status = Boolean.TRUE.equals(details.get(HealthDetails.FALLBACK)) ? CLOCK_FALLBACK : Status.UP;
        return Health.status(status).withDetail("source", view.source()).withDetails(details).build();
    }
}
