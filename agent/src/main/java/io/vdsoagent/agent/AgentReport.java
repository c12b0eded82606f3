package io.vdsoagent.agent;

import io.vdsoagent.agent.config.AgentArguments;
import io.vdsoagent.agent.config.Refusal;
import io.vdsoagent.agent.http.AgentHttpServer;
import io.vdsoagent.agent.instrument.ClockCallInstrumentation;
import io.vdsoagent.base.JsonStrings;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.publish.JsonReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /report}: core's {@link JsonReport} of the latest snapshot plus what only the agent knows (its
 * build, the instrumented call sites and classes, the endpoint, the configuration values it refused).
 */
final class AgentReport {
    private AgentReport() {
    }

    /**
     * @param instrumentation null until installed
     * @param endpoint null while not served
     */
    /** @param refusals the values not used: the configuration's and, while they last, its files' */
    static String json(ClockHealth health, AgentArguments config, List<Refusal> refusals,
            ClockCallInstrumentation instrumentation, AgentHttpServer endpoint) {
        Map<String, String> extra = new LinkedHashMap<String, String>();
        extra.put("agent", BuildInfo.current().json());
        if (instrumentation != null && instrumentation.isInstalled()) {
            extra.put("topCallSites", instrumentation.topSitesJson(config.topSites()));
            extra.put("instrumentedClasses", instrumentation.classesJson());
        }
        extra.put("endpoint", endpoint != null ? "{\"served\":true,\"port\":" + endpoint.port() + "}"
                : "{\"served\":false,\"ports\":\"" + config.ports() + "\"}");
        extra.put("configRefused", refusalsJson(refusals));
        return JsonReport.toJson(health, config.exposeAddress(), Collections.unmodifiableMap(extra));
    }

    /** {@code [{"key":..,"reason":..,"effect":"endpoint_off"}]}: the values not used (never the values). */
    private static String refusalsJson(List<Refusal> refusals) {
        StringBuilder json = new StringBuilder("[");
        for (Refusal refusal : refusals) {
            json.append(json.length() > 1 ? "," : "").append("{\"key\":");
            JsonStrings.quote(json, refusal.key());
            json.append(",\"reason\":");
            JsonStrings.quote(json, refusal.reason());
            json.append(",\"effect\":\"").append(refusal.effect().label()).append("\"}");
        }
        return json.append(']').toString();
    }
}
