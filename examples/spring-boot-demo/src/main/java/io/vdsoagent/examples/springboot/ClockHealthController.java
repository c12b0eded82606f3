package io.vdsoagent.examples.springboot;

import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.TextReport;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The human-readable verdict next to the metrics: {@code GET /clock-health}. */
@RestController
class ClockHealthController {
    private final ClockHealthService health;

    ClockHealthController(ClockHealthService health) {
        this.health = health;
    }

    @GetMapping(path = "/clock-health", produces = MediaType.TEXT_PLAIN_VALUE)
    String clockHealth() {
        return TextReport.render(health.current(), false);
    }
}
