package io.vdsoagent.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that publishes vdso-agent's clock-health metrics through its own
 * Micrometer registry, without the Java agent: {@code GET /actuator/prometheus}.
 */
@SpringBootApplication
public class ClockHealthApplication {

    public static void main(String[] args) {
        SpringApplication.run(ClockHealthApplication.class, args);
    }
}
