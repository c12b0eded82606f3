package io.vdsoagent.publish;

import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.ClockStatus;
import io.vdsoagent.source.ClocksourceFacts;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.KernelIdentity;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.VdsoFacts;
import io.vdsoagent.source.VdsoSymbol;
import java.util.List;
import java.util.Map;

/**
 * The whole snapshot as JSON (the agent's {@code /report} endpoint and the CLI's {@code report --json}).
 * Unknown values appear as {@code {"unknown": "reason"}} objects so a reader always learns why.
 */
public final class JsonReport {
    private JsonReport() {
    }

    /**
     * @param exposeAddress include vdso.base (an ASLR secret) only when true
     * @param extraRawJsonFields name -> already-serialised JSON value, appended at the top level
     */
    public static String toJson(ClockHealth health, boolean exposeAddress, Map<String, String> extraRawJsonFields) {
        HostFacts host = health.host();
        JsonWriter w = new JsonWriter().beginObject();
        w.name("headline").value(health.headline());
        w.name("takenAt").value(health.takenAt().toString());
        w.name("kernelRelease");
        text(w, host.kernelRelease());
        w.name("arch");
        text(w, host.arch());
        w.name("kernel");
        kernel(w, host.kernel(), host.kernelVersion());
        w.name("vdso");
        vdso(w, host.vdso(), exposeAddress);
        w.name("clocksource");
        clocksource(w, host.clocksource());
        w.name("vsyscall");
        if (host.vsyscall().known()) {
            w.value(host.vsyscall().get().label());
        } else {
            unknown(w, host.vsyscall());
        }
        w.name("aslr");
        if (host.aslr().known()) {
            w.value((long) host.aslr().get());
        } else {
            unknown(w, host.aslr());
        }
        w.name("clocks").beginArray();
        for (ClockStatus s : health.clocks()) {
            clock(w, s);
        }
        w.endArray();
        w.name("jvm");
        jvm(w, health.jvmClockPath());
        w.name("kernelLog");
        kernelLog(w, health.kernelEvents());
        w.name("probe").beginObject()
                .name("wallNanos").value(health.probeWallNanos())
                .name("cpuNanos").value(health.probeCpuNanos())
                .name("errors").beginObject();
        for (Map.Entry<String, Integer> e : health.probeErrors().entrySet()) {
            w.name(e.getKey()).value((long) e.getValue());
        }
        w.endObject().endObject();
        if (extraRawJsonFields != null) {
            for (Map.Entry<String, String> e : extraRawJsonFields.entrySet()) {
                w.name(e.getKey()).raw(e.getValue());
            }
        }
        return w.endObject().toString();
    }

    private static void kernel(JsonWriter w, KernelIdentity k, Probed<String> version) {
        w.beginObject().name("bootId");
        text(w, k.bootId());
        w.name("release");
        text(w, k.release());
        w.name("version");
        text(w, version);
        w.name("arch");
        text(w, k.arch());
        w.name("runtime");
        if (k.runtime().known()) {
            w.value(k.runtime().get().label());
        } else {
            unknown(w, k.runtime());
        }
        w.endObject();
    }

    private static void vdso(JsonWriter w, Probed<VdsoFacts> vdso, boolean exposeAddress) {
        if (!vdso.known()) {
            unknown(w, vdso);
            return;
        }
        VdsoFacts v = vdso.get();
        w.beginObject();
        if (exposeAddress) {
            w.name("base").value("0x" + Long.toHexString(v.baseAddress()));
        }
        w.name("size").value(v.imageBytes())
                .name("soname").value(v.soname())
                .name("buildId").value(v.buildId())
                .name("machine").value(v.elfMachine());
        w.name("maps");
        if (v.mapsCheck().known()) {
            w.beginObject().name("check").value(v.mapsCheck().get().outcome().label())
                    .name("detail").value(v.mapsCheck().get().detail()).endObject();
        } else {
            unknown(w, v.mapsCheck());
        }
        w.name("symbols").beginArray();
        for (VdsoSymbol s : v.symbols()) {
            w.beginObject().name("name").value(s.name()).name("version").value(s.version()).endObject();
        }
        w.endArray().endObject();
    }

    private static void clocksource(JsonWriter w, Probed<ClocksourceFacts> cs) {
        if (!cs.known()) {
            unknown(w, cs);
            return;
        }
        w.beginObject().name("current").value(cs.get().current()).name("available").beginArray();
        for (String a : cs.get().available()) {
            w.value(a);
        }
        w.endArray().endObject();
    }

    private static void clock(JsonWriter w, ClockStatus s) {
        w.beginObject()
                .name("clock").value(s.clock().label())
                .name("verdict").value(s.verdict().label())
                .name("detector").value(s.detector())
                .name("vdsoNanos").value(s.vdsoNanos())
                .name("syscallNanos").value(s.syscallNanos())
                .name("findings").beginArray();
        for (Finding f : s.findings()) {
            w.beginObject()
                    .name("detector").value(f.detector())
                    .name("verdict").value(f.verdict().label())
                    .name("confidence").value(f.confidence().label())
                    .name("qualifier").value(f.qualifier())
                    .name("detail").value(f.detail())
                    .name("error").value(f.error())
                    .endObject();
        }
        w.endArray().name("remediation").value(s.remediation());
        String degraded = DegradedMetrics.forClock(s);
        if (degraded != null) {
            w.name("degraded").value(degraded);
        }
        w.endObject();
    }

    private static void jvm(JsonWriter w, JvmClockPath p) {
        w.beginObject().name("methodNanos").beginObject();
        for (Map.Entry<String, Double> e : p.methodNanos().entrySet()) {
            w.name(e.getKey()).value(e.getValue());
        }
        w.endObject().name("interposed");
        if (p.interposed().known()) {
            w.value(p.interposed().get());
        } else {
            unknown(w, p.interposed());
        }
        w.name("library").value(p.library());
        w.name("resolvedTo").beginObject();
        for (Map.Entry<String, String> e : p.symbols().resolvedTo().entrySet()) {
            w.name(e.getKey()).value(e.getValue());
        }
        w.endObject();
        w.name("ldPreload").value(p.symbols().ldPreload());
        w.name("ldSoPreload");
        text(w, p.symbols().ldSoPreload());
        w.name("timingHint");
        if (p.timingHint().known()) {
            w.value(p.timingHint().get());
        } else {
            unknown(w, p.timingHint());
        }
        w.name("detail").value(p.detail()).endObject();
    }

    private static void kernelLog(JsonWriter w, Probed<List<KernelClockEvent>> events) {
        if (!events.known()) {
            unknown(w, events);
            return;
        }
        w.beginObject().name("events").beginArray();
        for (KernelClockEvent e : events.get()) {
            w.beginObject()
                    .name("kind").value(e.kind())
                    .name("subject").value(e.subject())
                    .name("bootSeconds").value(e.bootSeconds())
                    .name("message").value(e.message())
                    .endObject();
        }
        w.endArray().endObject();
    }

    private static void text(JsonWriter w, Probed<String> p) {
        if (p.known()) {
            w.value(p.get());
        } else {
            unknown(w, p);
        }
    }

    private static void unknown(JsonWriter w, Probed<?> p) {
        w.beginObject().name("unknown").value(p.reason()).endObject();
    }
}
