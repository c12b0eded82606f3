#!/usr/bin/env python3
"""Issue 28: what the agent's start costs the application's start, against no agent, an empty agent (a
premain that does nothing, built here) and jmx_exporter, variants alternating round by round.

  start-up.py trivial ROUNDS          whole-process wall and CPU of a main that returns at once, JDK 17 and 25
  start-up.py server APP ROUNDS       APP = spring | kafka | kafka-connect: launch -> ready line, CPU until
                                      ready, then SETTLE s later peak RSS (VmHWM), CPU, classes and metaspace
                                      (jstat); on both cores and under taskset -c 0 (CPUSETS="all 0" to
                                      choose); VARIANTS (default "none empty ours jmx"; also eager, noinst, before)

kafka-connect is the broker and a standalone Connect worker (Jetty, Jersey, HK2, Jackson) with a file
source connector in one JVM (startup/KafkaConnect.java), ready at the worker's "Created connector" line.
For vdso-agent variants the time of its ready line ("metrics on", after the first probe) is kept as
agent_s: agent_s - ready_s is how long after the application's ready line the agent's heavy start ended.

Environment: VDSO_AGENT_JAR (default agent/target/vdso-agent.jar), BEFORE_JAR (an older jar, optional),
LIB (jars copied by `mvn -f startup/pom.xml dependency:copy-dependencies -DoutputDirectory=$LIB`),
SETTLE (s, default 20), JDK17, JDK25. Raw samples go to work/startup/*.tsv. Prints medians, min-max and
ratios of medians; the load average before and after.
"""
import os, re, shutil, signal, statistics, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORK = os.path.join(HERE, "work", "startup")
AGENT = os.environ.get("VDSO_AGENT_JAR", os.path.join(ROOT, "agent/target/vdso-agent.jar"))
BEFORE = os.environ.get("BEFORE_JAR")
LIB = os.environ.get("LIB", os.path.join(WORK, "lib"))
SETTLE = float(os.environ.get("SETTLE", "20"))
JDKS = {"17": os.environ.get("JDK17", "/usr/lib/jvm/java-17-openjdk-amd64"),
        "25": os.environ.get("JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64")}
TICK = os.sysconf("SC_CLK_TCK")
PORT = 19611
# The children must not see this script's own VDSO_AGENT_JAR: the agent reads VDSO_AGENT_* as configuration
# and an unknown key turns its endpoint off (fail closed).
CHILD_ENV = {k: v for k, v in os.environ.items() if not k.startswith("VDSO_AGENT_")}
OTEL = os.environ.get("OTEL_JAR")  # trivial: adds otel, ours+otel, otel+ours (and with BEFORE_JAR before+otel, otel+before)


def load():
    return open("/proc/loadavg").read().split()[:3]


def build_small_jars():
    # The empty agent's class only in its jar: on the application's class path the JVM would load it
    # from there and never open the jar as a class path entry, which every real agent pays for.
    shutil.rmtree(os.path.join(WORK, "classes"), ignore_errors=True)
    shutil.rmtree(os.path.join(WORK, "empty-classes"), ignore_errors=True)
    javac = os.path.join(JDKS["17"], "bin", "javac")
    subprocess.check_call([javac, "--release", "8", "-nowarn", "-d", os.path.join(WORK, "classes"),
                           os.path.join(HERE, "startup", "Trivial.java")])
    subprocess.check_call([javac, "--release", "8", "-nowarn", "-d", os.path.join(WORK, "empty-classes"),
                           os.path.join(HERE, "startup", "EmptyAgent.java")])
    with open(os.path.join(WORK, "empty.mf"), "w") as f:
        f.write("Premain-Class: EmptyAgent\n")
    subprocess.check_call([os.path.join(JDKS["17"], "bin", "jar"), "cfm", os.path.join(WORK, "empty-agent.jar"),
                           os.path.join(WORK, "empty.mf"), "-C", os.path.join(WORK, "empty-classes"), "EmptyAgent.class"])
    with open(os.path.join(WORK, "jmx.yaml"), "w") as f:
        f.write('rules:\n  - pattern: ".*"\n')


def agent_flags(variant, port):
    if "+" in variant:  # two agents, in this order on the command line
        return [f for v in variant.split("+") for f in agent_flags(v, port)]
    if variant == "otel":
        return ["-javaagent:" + OTEL]
    if variant == "none":
        return []
    if variant == "empty":
        return ["-javaagent:" + os.path.join(WORK, "empty-agent.jar")]
    if variant == "ours":
        return ["-javaagent:%s=host=127.0.0.1,port=%d" % (AGENT, port)]
    if variant == "eager":  # the same jar without the deferral: the start as it was
        return ["-javaagent:%s=host=127.0.0.1,port=%d,start-delay=0" % (AGENT, port)]
    if variant == "noinst":  # the same jar without the load-time rewriting: what the rewriting costs
        return ["-javaagent:%s=host=127.0.0.1,port=%d,instrument=false" % (AGENT, port)]
    if variant == "before":
        return ["-javaagent:%s=host=127.0.0.1,port=%d" % (BEFORE, port)]
    if variant == "jmx":
        jar = [os.path.join(LIB, j) for j in os.listdir(LIB) if j.startswith("jmx_prometheus_javaagent")][0]
        return ["-javaagent:%s=127.0.0.1:%d:%s" % (jar, port, os.path.join(WORK, "jmx.yaml"))]
    raise ValueError(variant)


def rotate(items, i):
    k = i % len(items)
    return items[k:] + items[:k]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def trivial(rounds):
    variants = ["none", "empty", "ours"] + (["before"] if BEFORE else [])
    if OTEL:
        variants += ["otel", "ours+otel", "otel+ours"] + (["before+otel", "otel+before"] if BEFORE else [])
    env = dict(CHILD_ENV, OTEL_TRACES_EXPORTER="none", OTEL_METRICS_EXPORTER="none", OTEL_LOGS_EXPORTER="none")
    jdks = os.environ.get("TRIVIAL_JDKS", "17 25").split()
    res = {}
    l0 = load()
    for i in range(rounds):
        for jdk in jdks:
            home = JDKS[jdk]
            for v in rotate(variants, i):
                cmd = [os.path.join(home, "bin", "java")] + agent_flags(v, 0) + ["-cp", os.path.join(WORK, "classes"), "Trivial"]
                t0 = time.perf_counter()
                p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                _, status, ru = os.wait4(p.pid, 0)
                wall = (time.perf_counter() - t0) * 1000
                p.returncode = status
                res.setdefault((jdk, v), []).append((wall, (ru.ru_utime + ru.ru_stime) * 1000))
    l1 = load()
    with open(os.path.join(WORK, "trivial.tsv"), "w") as f:
        for (jdk, v), rs in sorted(res.items()):
            for w, c in rs:
                f.write("%s\t%s\t%.1f\t%.1f\n" % (jdk, v, w, c))
    print("trivial main, %d alternating rounds; load average %s at start, %s at end" % (rounds, " ".join(l0), " ".join(l1)))
    print("| JDK | variant | wall ms median (min-max) | CPU ms median (min-max) | added wall vs none | added CPU vs none |")
    print("|---|---|---|---|---|---|")
    for jdk in jdks:
        base_w = med([r[0] for r in res[(jdk, "none")]])
        base_c = med([r[1] for r in res[(jdk, "none")]])
        for v in variants:
            ws = [r[0] for r in res[(jdk, v)]]
            cs = [r[1] for r in res[(jdk, v)]]
            print("| %s | %s | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %+.1f ms | %+.1f ms |" % (
                jdk, v, med(ws), min(ws), max(ws), med(cs), min(cs), max(cs), med(ws) - base_w, med(cs) - base_c))
        e = med([r[0] for r in res[(jdk, "empty")]]) - base_w
        o = med([r[0] for r in res[(jdk, "ours")]]) - base_w
        print("JDK %s: added wall ours / empty agent = %+.1f / %+.1f ms = %.2fx (goal <= 1.5x)" % (jdk, o, e, o / e if e > 0 else float("nan")))
        if OTEL:
            ot = med([r[0] for r in res[(jdk, "otel")]])
            for pair in [v for v in variants if "+" in v]:
                print("JDK %s: %s wall %.0f ms = %+.1f %% vs OpenTelemetry alone (%.0f ms)" % (
                    jdk, pair, med([r[0] for r in res[(jdk, pair)]]), (med([r[0] for r in res[(jdk, pair)]]) / ot - 1) * 100, ot))


def proc_cpu_ms(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in f[11:15]) * 1000.0 / TICK  # utime stime cutime cstime


def proc_hwm_kib(pid):
    return int(re.search(r"VmHWM:\s+(\d+)", open("/proc/%d/status" % pid).read()).group(1))


def jstat(jdk_home, pid):
    out = {}
    try:
        cls = subprocess.run([os.path.join(jdk_home, "bin", "jstat"), "-class", str(pid)], capture_output=True, text=True, timeout=20).stdout.split()
        out["classes"] = int(cls[len(cls) // 2])  # header "Loaded Bytes Unloaded ..." then values: Loaded first
        gc = subprocess.run([os.path.join(jdk_home, "bin", "jstat"), "-gc", str(pid)], capture_output=True, text=True, timeout=20).stdout.split("\n")
        head, vals = gc[0].split(), gc[1].split()
        out["metaspace_kib"] = float(vals[head.index("MU")])
    except Exception as e:  # a figure we cannot read is left out, not invented
        print("jstat failed: %s" % e, file=sys.stderr)
    return out


def kafka_connect_setup(broker_port):
    d = os.path.join(WORK, "kafka")
    classes = os.path.join(WORK, "kafka-connect-classes")
    if not os.path.exists(os.path.join(classes, "KafkaConnect.class")):
        subprocess.check_call([os.path.join(JDKS["17"], "bin", "javac"), "--release", "8", "-nowarn",
                               "-cp", os.path.join(LIB, "*"), "-d", classes, os.path.join(HERE, "startup", "KafkaConnect.java")])
    worker, source, data = (os.path.join(d, n) for n in ("worker.properties", "source.properties", "source.txt"))
    with open(worker, "w") as f:
        f.write("\n".join([
            "bootstrap.servers=127.0.0.1:%d" % broker_port,
            "key.converter=org.apache.kafka.connect.json.JsonConverter",
            "value.converter=org.apache.kafka.connect.json.JsonConverter",
            "offset.storage.file.filename=%s" % os.path.join(d, "connect.offsets"),
            "listeners=http://127.0.0.1:%d" % (broker_port + 2), ""]))
    with open(source, "w") as f:
        f.write("\n".join(["name=file-source", "connector.class=FileStreamSource", "tasks.max=1",
                           "file=%s" % data, "topic=connect-test", ""]))
    with open(data, "w") as f:
        f.write("".join("line %d\n" % i for i in range(1000)))
    return classes, worker, source


def kafka_setup(port):
    d = os.path.join(WORK, "kafka")
    pristine = os.path.join(d, "pristine")
    props = os.path.join(d, "server.properties")
    os.makedirs(d, exist_ok=True)
    with open(props, "w") as f:
        f.write("\n".join([
            "process.roles=broker,controller", "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:%d" % (port + 1),
            "listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d" % (port, port + 1),
            "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=%s" % os.path.join(d, "data"), "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1", "num.partitions=1", ""]))
    if not os.path.isdir(pristine):
        shutil.rmtree(os.path.join(d, "data"), ignore_errors=True)
        subprocess.check_call([os.path.join(JDKS["17"], "bin", "java"), "-cp", os.path.join(LIB, "*"),
                               "-Dlog4j.configuration=file:" + os.path.join(HERE, "startup", "log4j.properties"),
                               "kafka.tools.StorageTool", "format", "-t", "q1Sh-9_ISia_zwGINzRvyQ", "-c", props],
                              stdout=subprocess.DEVNULL)
        shutil.copytree(os.path.join(d, "data"), pristine)
    return d, props, pristine


def app_command(app, jdk_home):
    java = os.path.join(jdk_home, "bin", "java")
    if app == "spring":
        jar = os.path.join(ROOT, "examples/spring-boot-demo/target/spring-boot-demo.jar")
        return [java], ["-jar", jar, "--server.port=0"], re.compile(r"Started \S+ in")
    if app == "kafka":
        d, props, pristine = kafka_setup(PORT + 20)
        return [java, "-Xmx512m", "-Xms512m", "-Dlog4j.configuration=file:" + os.path.join(HERE, "startup", "log4j.properties")], \
            ["-cp", os.path.join(LIB, "*"), "kafka.Kafka", props], re.compile(r"Kafka Server started")
    if app == "kafka-connect":
        d, props, pristine = kafka_setup(PORT + 20)
        classes, worker, source = kafka_connect_setup(PORT + 20)
        return [java, "-Xmx512m", "-Xms512m", "-Dlog4j.configuration=file:" + os.path.join(HERE, "startup", "log4j.properties")], \
            ["-cp", classes + os.pathsep + os.path.join(LIB, "*"), "KafkaConnect", props, worker, source], \
            re.compile(r"Created connector file-source")
    raise ValueError(app)


def one_server(app, jdk_home, variant, cpuset, port):
    java_and_opts, rest, ready_re = app_command(app, jdk_home)
    if app.startswith("kafka"):
        d = os.path.join(WORK, "kafka")
        shutil.rmtree(os.path.join(d, "data"), ignore_errors=True)
        shutil.copytree(os.path.join(d, "pristine"), os.path.join(d, "data"))
        if os.path.exists(os.path.join(d, "connect.offsets")):
            os.remove(os.path.join(d, "connect.offsets"))
    cmd = (["taskset", "-c", cpuset] if cpuset != "all" else []) + java_and_opts + agent_flags(variant, port) + rest
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", env=CHILD_ENV)
    ready = {}
    err = []

    def read_out():
        for line in p.stdout:
            if "t" not in ready and ready_re.search(line):
                ready["t"] = time.perf_counter() - t0
                try:
                    ready["cpu"] = proc_cpu_ms(p.pid)
                except OSError:
                    pass

    def read_err():
        for line in p.stderr:
            err.append(line)
            if "agent" not in ready and "metrics on" in line:
                ready["agent"] = time.perf_counter() - t0
    threads = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
    for t in threads:
        t.start()
    deadline = time.time() + 180
    while "t" not in ready and p.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    if "t" not in ready:
        p.kill()
        raise RuntimeError("%s %s %s: no ready line; stderr: %s" % (app, variant, cpuset, "".join(err[-20:])))
    time.sleep(SETTLE)
    row = {"ready_s": ready["t"], "cpu_ready_s": ready.get("cpu", float("nan")) / 1000,
           "cpu_settled_s": proc_cpu_ms(p.pid) / 1000, "hwm_mib": proc_hwm_kib(p.pid) / 1024.0}
    row.update(jstat(jdk_home, p.pid))
    row["agent_started"] = any("metrics on" in l for l in err) if variant in ("ours", "eager", "noinst", "before") else None
    if "agent" in ready:
        row["agent_s"] = ready["agent"]
    if os.environ.get("SHOW_STDERR"):
        print("".join(err[-10:]), file=sys.stderr)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return row


def server(app, rounds):
    variants = os.environ.get("VARIANTS", "none empty ours jmx").split()
    if BEFORE and "before" not in variants:
        variants.append("before")
    cpusets = os.environ.get("CPUSETS", "all 0").split()
    jdk = os.environ.get("JDK", "17")
    res = {}
    l0 = load()
    for i in range(rounds):
        for cpuset in cpusets:
            for v in rotate(variants, i):
                r = one_server(app, JDKS[jdk], v, cpuset, PORT + variants.index(v))  # a port each: no TIME_WAIT clash
                res.setdefault((cpuset, v), []).append(r)
                print("round %d cpus=%s %-6s %s" % (i, cpuset, v, " ".join("%s=%s" % (k, ("%.3f" % x) if isinstance(x, float) else x) for k, x in r.items())), flush=True)
    l1 = load()
    keys = ["ready_s", "cpu_ready_s", "cpu_settled_s", "hwm_mib", "classes", "metaspace_kib", "agent_s"]
    with open(os.path.join(WORK, "%s.tsv" % app), "w") as f:
        f.write("cpus\tvariant\t" + "\t".join(keys) + "\tagent_started\n")
        for (c, v), rs in sorted(res.items()):
            for r in rs:
                f.write("%s\t%s\t%s\t%s\n" % (c, v, "\t".join(str(r.get(k, "")) for k in keys), r["agent_started"]))
    print()
    print("%s on JDK %s, %d alternating rounds, SETTLE=%.0f s; load average %s at start, %s at end" % (app, jdk, rounds, SETTLE, " ".join(l0), " ".join(l1)))
    for c in cpusets:
        print()
        print("cpus: %s" % ("both cores" if c == "all" else "taskset -c " + c))
        print("| variant | launch -> ready s | CPU until ready s | CPU at ready+%ds | peak RSS MiB | classes | metaspace MiB | ready ratio | CPU-ready ratio | RSS ratio |" % SETTLE)
        print("|---|---|---|---|---|---|---|---|---|---|")
        base = {k: med([r[k] for r in res[(c, "none")] if k in r]) for k in keys}
        for v in variants:
            rs = res[(c, v)]
            m = {k: med([r[k] for r in rs if k in r]) for k in keys}
            rng = lambda k: "%.2f-%.2f" % (min(r[k] for r in rs), max(r[k] for r in rs))
            print("| %s | %.2f (%s) | %.2f (%s) | %.2f | %.1f (%s) | %.0f | %.1f | %.3fx | %.3fx | %.3fx |" % (
                v, m["ready_s"], rng("ready_s"), m["cpu_ready_s"], rng("cpu_ready_s"), m["cpu_settled_s"], m["hwm_mib"], rng("hwm_mib"),
                m.get("classes", float("nan")), m.get("metaspace_kib", float("nan")) / 1024,
                m["ready_s"] / base["ready_s"], m["cpu_ready_s"] / base["cpu_ready_s"], m["hwm_mib"] / base["hwm_mib"]))
        started = [r["agent_started"] for v in variants for r in res[(c, v)] if r["agent_started"] is not None]
        print("vdso-agent ready line seen by ready+%ds in %d of %d runs of its variants" % (SETTLE, sum(started), len(started)))
        for v in variants:
            after = [r["agent_s"] - r["ready_s"] for r in res[(c, v)] if "agent_s" in r]
            if after:
                print("%s: the agent's ready line %.2f s after the application's (median; %.2f to %.2f; negative = the agent's start ended first)" % (
                    v, med(after), min(after), max(after)))
        if "empty" in variants:
            e = {k: med([r[k] for r in res[(c, "empty")] if k in r]) for k in keys}
            for v in variants:
                if v not in ("none", "empty"):
                    m = {k: med([r[k] for r in res[(c, v)] if k in r]) for k in keys}
                    print("%s / empty agent: ready %.3fx, CPU until ready %.3fx, peak RSS %.3fx" % (
                        v, m["ready_s"] / e["ready_s"], m["cpu_ready_s"] / e["cpu_ready_s"], m["hwm_mib"] / e["hwm_mib"]))


if __name__ == "__main__":
    os.makedirs(WORK, exist_ok=True)
    build_small_jars()
    if sys.argv[1] == "trivial":
        trivial(int(sys.argv[2]))
    else:
        server(sys.argv[2], int(sys.argv[3]))
