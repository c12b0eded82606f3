#!/usr/bin/env python3
"""Issue 28: what our agent costs an application's start next to the OpenTelemetry javaagent, in both
-javaagent orders, against OpenTelemetry alone; variants alternating round by round.

  otel-order.py APP ROUNDS      APP = spring | kafka (the apps of start-up.py); launch -> ready line and the
                                process's CPU at that line, on both cores and under taskset -c 0 (CPUSETS)

Variants: otel (OpenTelemetry alone, the baseline), ours+otel and otel+ours (both agents, in that order on
the command line), none (no agent); with BEFORE_JAR also before+otel and otel+before (an older jar of ours
in the same rounds). Environment: VDSO_AGENT_JAR (default agent/target/vdso-agent.jar), BEFORE_JAR, OTEL_JAR
(default: io.opentelemetry.javaagent:opentelemetry-javaagent:OTEL_VERSION, the version agent/pom.xml's IT
uses, copied from Maven Central by `mvn dependency:copy` into work/startup/otel: not into LIB, whose jars
are Kafka's class path), LIB (Kafka, as for start-up.py), CPUSETS (default "all 0"), JDK (17). OpenTelemetry runs with
no exporter (nothing to export to). Raw samples go to work/startup/otel-order-APP.tsv. Prints medians,
min-max, ratios of medians to OpenTelemetry alone and the same ratio paired within each round (min-max);
the load average before and after.
"""
import importlib.util, os, re, shutil, statistics, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("start_up", os.path.join(HERE, "start-up.py"))
su = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(su)  # its applications, JDKs, LIB and the children's environment

AGENT = os.environ.get("VDSO_AGENT_JAR", os.path.join(su.ROOT, "agent/target/vdso-agent.jar"))
BEFORE = os.environ.get("BEFORE_JAR")
OTEL_VERSION = os.environ.get("OTEL_VERSION", "2.33.1")
OTEL = os.environ.get("OTEL_JAR")
OTEL_ENV = {"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none"}
PORT = 19661
su.PORT = PORT  # Kafka listens at PORT + 20: not start-up.py's ports, which a run of it may hold meanwhile


def flags(variant, port):
    out = []
    for part in variant.split("+"):
        if part == "otel":
            out.append("-javaagent:" + OTEL)
        elif part in ("ours", "before"):
            out.append("-javaagent:%s=host=127.0.0.1,port=%d" % (AGENT if part == "ours" else BEFORE, port))
        elif part != "none":
            raise ValueError(variant)
    return out


def one(app, jdk_home, variant, cpuset, port):
    java_and_opts, rest, ready_re = su.app_command(app, jdk_home)
    if app.startswith("kafka"):  # every start from the same freshly formatted log directory
        d = os.path.join(su.WORK, "kafka")
        shutil.rmtree(os.path.join(d, "data"), ignore_errors=True)
        shutil.copytree(os.path.join(d, "pristine"), os.path.join(d, "data"))
    cmd = (["taskset", "-c", cpuset] if cpuset != "all" else []) + java_and_opts + flags(variant, port) + rest
    env = dict(su.CHILD_ENV, **OTEL_ENV)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", env=env)
    ready, err = {}, []

    def read_out():
        for line in p.stdout:
            if "t" not in ready and ready_re.search(line):
                ready["t"] = time.perf_counter() - t0
                try:
                    ready["cpu"] = su.proc_cpu_ms(p.pid) / 1000
                except OSError:
                    pass
    threading.Thread(target=read_out, daemon=True).start()
    threading.Thread(target=lambda: err.extend(p.stderr), daemon=True).start()
    deadline = time.time() + 240
    while "t" not in ready and p.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    p.kill()
    p.wait()
    if "t" not in ready or "cpu" not in ready:
        raise RuntimeError("%s %s %s: no ready line; stderr: %s" % (app, variant, cpuset, "".join(err[-20:])))
    return ready["t"], ready["cpu"]


def otel_jar():
    if OTEL:
        return OTEL
    d = os.path.join(su.WORK, "otel")
    jar = os.path.join(d, "opentelemetry-javaagent-%s.jar" % OTEL_VERSION)
    if not os.path.isfile(jar):
        subprocess.check_call(["mvn", "-B", "-q", "dependency:copy", "-DoutputDirectory=" + d,
                               "-Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:" + OTEL_VERSION])
    return jar


def main(app, rounds):
    global OTEL
    OTEL = otel_jar()
    variants = ["otel", "ours+otel", "otel+ours", "none"] + (["before+otel", "otel+before"] if BEFORE else [])
    cpusets = os.environ.get("CPUSETS", "all 0").split()
    jdk = os.environ.get("JDK", "17")
    res = {}
    l0 = su.load()
    for i in range(rounds):
        for cpuset in cpusets:
            for v in su.rotate(variants, i):
                r = one(app, su.JDKS[jdk], v, cpuset, PORT + variants.index(v))
                res.setdefault((cpuset, v), []).append(r)
                print("round %d cpus=%s %-12s ready %.2f s, CPU %.2f s" % (i, cpuset, v, r[0], r[1]), flush=True)
    l1 = su.load()
    with open(os.path.join(su.WORK, "otel-order-%s.tsv" % app), "w") as f:
        f.write("cpus\tvariant\tround\tready_s\tcpu_ready_s\n")
        for (c, v), rs in sorted(res.items()):
            for i, (t, cpu) in enumerate(rs):
                f.write("%s\t%s\t%d\t%.3f\t%.3f\n" % (c, v, i, t, cpu))
    print()
    print("%s on JDK %s, %d alternating rounds, %s; load average %s at start, %s at end" % (
        app, jdk, rounds, os.path.basename(OTEL), " ".join(l0), " ".join(l1)))
    for c in cpusets:
        print()
        print("cpus: %s; ratios to OpenTelemetry alone (otel), paired = within each round, min-max" % (
            "both cores" if c == "all" else "taskset -c " + c))
        print("| variant | launch -> ready s (min-max) | CPU until ready s (min-max) | ready ratio (paired) | CPU ratio (paired) |")
        print("|---|---|---|---|---|")
        base = res[(c, "otel")]
        for v in variants:
            rs = res[(c, v)]
            cells = []
            for k in (0, 1):
                xs = [r[k] for r in rs]
                cells.append("%.2f (%.2f-%.2f)" % (su.med(xs), min(xs), max(xs)))
            for k in (0, 1):
                paired = [a[k] / b[k] for a, b in zip(rs, base)]
                cells.append("%.3fx (%.2f-%.2f)" % (su.med([r[k] for r in rs]) / su.med([r[k] for r in base]),
                                                    min(paired), max(paired)))
            print("| %s | %s |" % (v, " | ".join(cells)))


if __name__ == "__main__":
    os.makedirs(su.WORK, exist_ok=True)
    main(sys.argv[1], int(sys.argv[2]))
