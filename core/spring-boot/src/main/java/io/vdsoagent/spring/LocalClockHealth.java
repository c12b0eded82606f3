package io.vdsoagent.spring;

import io.vdsoagent.health.ClockHealthService;
import io.vdsoagent.publish.HealthDetails;
import io.vdsoagent.publish.JsonReport;
import java.util.Map;

/** This application's own {@link ClockHealthService}. */
final class LocalClockHealth implements ClockHealthView {
    private final ClockHealthService service;
    private final boolean exposeAddress;

    LocalClockHealth(ClockHealthService service, boolean exposeAddress) {
        this.service = service;
        this.exposeAddress = exposeAddress;
    }

    @Override
    public Map<String, Object> details() {
        return HealthDetails.of(service.current());
    }

    @Override
    public String reportJson() {
        return JsonReport.toJson(service.current(), exposeAddress, null);
    }

    @Override
    public String source() {
        return "application";
    }

    @Override
    public String waitingFor() {
        return "nothing: the service probes once when it is created";
    }
}
