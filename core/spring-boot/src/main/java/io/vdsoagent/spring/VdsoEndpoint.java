package io.vdsoagent.spring;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/vdso}: the whole JSON report, the same document as the agent's {@code /report}
 * (with the {@code -javaagent}, the agent's own). 404 until the first probe has finished.
 */
@Endpoint(id = "vdso")
public class VdsoEndpoint {
    private final ClockHealthView view;

    public VdsoEndpoint(ClockHealthView view) {
        this.view = view;
    }

    @ReadOperation(produces = "application/json")
    public String report() {
        return view.reportJson();
    }
}
