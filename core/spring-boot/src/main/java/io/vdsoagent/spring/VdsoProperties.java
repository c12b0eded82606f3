package io.vdsoagent.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Every setting of the auto-configuration, under {@code vdso.*}; the defaults are the agent's. */
@ConfigurationProperties(prefix = "vdso")
public class VdsoProperties {
    /** Whether to probe the clocks and publish the results at all. */
    private boolean enabled = true;
    /** Full re-probe period. */
    private Duration interval = Duration.ofSeconds(60);
    /** How often the current clocksource is re-read; a change re-probes. */
    private Duration clocksourcePoll = Duration.ofSeconds(5);
    /** Publish the vDSO base address (an ASLR secret) as vdso_base_address and in the report. */
    private boolean exposeAddress;
    /** Detectors to run, of seccomp, rusage, latency, clocksource; empty means all. */
    private List<String> detectors = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public Duration getClocksourcePoll() {
        return clocksourcePoll;
    }

    public void setClocksourcePoll(Duration clocksourcePoll) {
        this.clocksourcePoll = clocksourcePoll;
    }

    public boolean isExposeAddress() {
        return exposeAddress;
    }

    public void setExposeAddress(boolean exposeAddress) {
        this.exposeAddress = exposeAddress;
    }

    public List<String> getDetectors() {
        return detectors;
    }

    public void setDetectors(List<String> detectors) {
        this.detectors = detectors;
    }
}
