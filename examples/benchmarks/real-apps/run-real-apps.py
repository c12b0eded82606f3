#!/usr/bin/env python3
"""Issue #18 figures: what the clock-call instrumentation costs real applications.

Variants alternate round by round: none (no agent), ours (vdso-agent.jar, default settings) and jmx
(jmx_exporter 1.0.1, rules [{pattern: ".*"}]). Prints medians with min..max per variant and the ratio
of medians to no agent.

  1. examples/spring-boot-demo: launch -> "Started ..." on stdout, peak RSS (VmHWM) and the JVM's
     CPU seconds (user+sys) 3 s later;
     for ours also /report's instrumentedClasses (classes seen / pre-filter rejected / rewritten and
     the transformer's summed time) -- figure 5.
  2. H2 2.3.232's TCP server (org.h2.tools.Server, from Maven Central): launch -> "TCP server running",
     throughput under H2Load.java (its own JVM, no agent), peak RSS after the load.
  3. agentit.HotLoopApp (a clock loop running in main() across the agent's start), JDK 17 and 25:
     median calls per ms of windows 12..23 (3-6 s after launch), per wall ms and per ms of the loop
     thread's CPU time.

  python3 examples/benchmarks/real-apps/run-real-apps.py [rounds]     (after mvn package of agent and
  examples/spring-boot-demo, and test-compile of agent)
  python3 examples/benchmarks/real-apps/run-real-apps.py [rounds] spring-instrument-off
      (figure 1 once more, beside ours with instrument=false: the agent's share vs the instrumentation's)
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
M2 = os.path.expanduser("~/.m2/repository")
JDK17 = os.environ.get("JDK17", "/usr/lib/jvm/java-17-openjdk-amd64") + "/bin/java"
JDK25 = os.environ.get("JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java"
AGENT = os.path.join(ROOT, "agent/target/vdso-agent.jar")
JMX = os.path.join(M2, "io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar")
H2 = os.path.join(M2, "com/h2database/h2/2.3.232/h2-2.3.232.jar")
SPRING = os.path.join(ROOT, "examples/spring-boot-demo/target/spring-boot-demo.jar")
TEST_CLASSES = os.path.join(ROOT, "agent/target/test-classes")
WORK = os.path.join(ROOT, "examples/benchmarks/target/real-apps")
VARIANTS = ["none", "ours", "jmx"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def agent_args(variant):
    if variant == "ours":
        return ["-javaagent:%s=host=127.0.0.1,port=0" % AGENT]
    if variant == "ours-noinst":
        return ["-javaagent:%s=host=127.0.0.1,port=0,instrument=false" % AGENT]
    if variant == "jmx":
        return ["-javaagent:%s=127.0.0.1:%d:%s" % (JMX, free_port(), os.path.join(WORK, "jmx.yaml"))]
    return []


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def cpu_seconds(pid):
    """user + system CPU of the whole JVM so far (/proc/PID/stat, clock ticks)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launch(cmd, ready, timeout=120):
    """Starts cmd, returns (process, seconds to the first stdout line matching ready, stderr file)."""
    err = open(os.path.join(WORK, "stderr.txt"), "w+")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True)
    deadline = t0 + timeout
    for line in p.stdout:
        if re.search(ready, line):
            return p, time.monotonic() - t0, err
        if time.monotonic() > deadline:
            break
    p.kill()
    err.seek(0)
    raise RuntimeError("not ready: %s\n%s" % (cmd, err.read()[-2000:]))


def our_report(err):
    err.flush()
    err.seek(0)
    m = re.search(r"metrics on [^ ]*:(\d+)", err.read())
    if not m:
        return None
    for _ in range(100):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%s/report" % m.group(1), timeout=5) as r:
                return json.loads(r.read().decode())
        except Exception:
            time.sleep(0.2)
    return None


def stop(p):
    p.kill()
    p.wait()


def spring(variant):
    p, started, err = launch([JDK17] + agent_args(variant) + ["-jar", SPRING, "--server.port=0"],
                             r"Started \w+ in")
    time.sleep(3)
    result = {"started_s": started, "hwm_mib": vm_hwm_kib(p.pid) / 1024, "cpu_s": cpu_seconds(p.pid)}
    if variant == "ours":
        report = our_report(err)
        result["classes"] = report.get("instrumentedClasses") if report else None
    stop(p)
    return result


def h2(variant):
    port = free_port()
    base = os.path.join(WORK, "h2db")
    p, ready, err = launch([JDK17] + agent_args(variant) + ["-cp", H2, "org.h2.tools.Server", "-tcp",
                           "-tcpPort", str(port), "-ifNotExists", "-baseDir", base], r"TCP server running")
    load = subprocess.run([JDK17, "-cp", H2, os.path.join(os.path.dirname(__file__), "H2Load.java"),
                           "jdbc:h2:tcp://127.0.0.1:%d/mem:bench" % port, "2", "5", "10"],
                          capture_output=True, text=True, timeout=120)
    m = re.search(r"ops/s (\d+)", load.stdout)
    result = {"ready_s": ready, "ops_s": int(m.group(1)) if m else float("nan"), "hwm_mib": vm_hwm_kib(p.pid) / 1024}
    if variant == "ours":
        report = our_report(err)
        result["classes"] = report.get("instrumentedClasses") if report else None
        result["sites"] = len(report.get("topCallSites", [])) if report else None
    stop(p)
    return result


def hot_loop(java, variant):
    out = subprocess.run([java] + agent_args(variant) + ["-cp", TEST_CLASSES, "agentit.HotLoopApp", "250", "24"],
                         capture_output=True, text=True, timeout=120).stdout
    wall, cpu = [], []
    for n, w, c in re.findall(r"^window (\d+) (\d+) (\d+)$", out, re.M):
        if int(n) >= 12:
            wall.append(int(w))
            cpu.append(int(c))
    return {"wall_calls_per_ms": statistics.median(wall), "cpu_calls_per_ms": statistics.median(cpu)}


def summarise(name, rows, keys, variants):
    print("\n## %s" % name)
    print("| metric | " + " | ".join("%s median (min..max)" % v for v in variants) + " | "
          + " | ".join("%s / none" % v for v in variants if v != "none") + " |")
    print("|---" * (1 + len(variants) + len(variants) - 1) + "|")
    for k in keys:
        med = {}
        cells = []
        for v in variants:
            vals = [r[k] for r in rows[v]]
            med[v] = statistics.median(vals)
            cells.append("%.3g (%.3g..%.3g)" % (med[v], min(vals), max(vals)))
        ratios = ["%.3fx" % (med[v] / med["none"]) for v in variants if v != "none"]
        print("| %s | %s | %s |" % (k, " | ".join(cells), " | ".join(ratios)))


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def spring_only(rounds):
    """The agent's own share vs the instrumentation's: ours with instrument=false beside ours and none."""
    variants = ["none", "ours", "ours-noinst"]
    rows = {v: [] for v in variants}
    for r in range(rounds):
        for v in variants:
            rows[v].append(spring(v))
        print("round %d done, load %s" % (r + 1, loadavg()), flush=True)
    summarise("1b. spring-boot-demo (JDK 17) with instrument=false", rows, ["started_s", "hwm_mib", "cpu_s"], variants)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if len(sys.argv) > 2 and sys.argv[2] == "spring-instrument-off":
        os.makedirs(WORK, exist_ok=True)
        print("load average at start: %s; %d rounds, variants alternate within each round" % (loadavg(), rounds))
        spring_only(rounds)
        print("\nload average at end: %s" % loadavg())
        return
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, "jmx.yaml"), "w") as f:
        f.write('rules:\n  - pattern: ".*"\n')
    print("load average at start: %s; %d rounds, variants alternate within each round" % (loadavg(), rounds))
    spring_rows = {v: [] for v in VARIANTS}
    h2_rows = {v: [] for v in VARIANTS}
    loop_rows = {(j, v): [] for j in ("17", "25") for v in ("none", "ours")}
    for r in range(rounds):
        for v in VARIANTS:
            spring_rows[v].append(spring(v))
        for v in VARIANTS:
            h2_rows[v].append(h2(v))
        for j, java in (("17", JDK17), ("25", JDK25)):
            for v in ("none", "ours"):
                loop_rows[(j, v)].append(hot_loop(java, v))
        print("round %d done, load %s" % (r + 1, loadavg()), flush=True)
    summarise("1. spring-boot-demo (JDK 17): launch -> Started, peak RSS", spring_rows, ["started_s", "hwm_mib", "cpu_s"], VARIANTS)
    summarise("2. H2 2.3.232 TCP server (JDK 17): launch -> ready, throughput, peak RSS", h2_rows,
              ["ready_s", "ops_s", "hwm_mib"], VARIANTS)
    for j in ("17", "25"):
        summarise("3. hot loop in main() across the agent's start, JDK %s" % j,
                  {v: loop_rows[(j, v)] for v in ("none", "ours")}, ["wall_calls_per_ms", "cpu_calls_per_ms"],
                  ["none", "ours"])
    print("\n## 5. classes during the Spring Boot start (ours, /report instrumentedClasses, per round)")
    for row in spring_rows["ours"]:
        print(json.dumps(row.get("classes")))
    print("\nH2 (ours, per round): " + "; ".join("%s sites=%s" % (json.dumps(r.get("classes")), r.get("sites"))
                                                for r in h2_rows["ours"]))
    print("\nload average at end: %s" % loadavg())


if __name__ == "__main__":
    main()
