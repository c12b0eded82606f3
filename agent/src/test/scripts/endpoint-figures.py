#!/usr/bin/env python3
"""Endpoint figures of vdso-agent beside the jmx_exporter 1.0.1 agent, measured in the same run.

Prints (never asserts), as medians over alternating rounds with min-max spread:
  - /metrics latency p50/p99 under wrk with 1, 10 and 50 keep-alive clients, for vdso-agent's endpoint,
    optionally the previous vdso-agent jar (OLD_AGENT=path), and jmx_exporter 1.0.1;
  - exit -> gone (System.exit and return from main) without an agent, with enabled=false, with the endpoint
    but no clock-call instrumentation (instrument=false), and with the agent's defaults;
  - threads and RSS of a JVM with the endpoint up, before and after the load.
The load average is printed with each section: the machine is shared, read the spread.

Usage (from the repository root, after `mvn -B -q -pl core,agent -am package -DskipTests`; needs wrk):
  python3 agent/src/test/scripts/endpoint-figures.py [rounds] [seconds] [java]
jmx_exporter is fetched from Maven Central into agent/target/figures with `mvn dependency:copy`.
"""
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
AGENT = os.path.join(ROOT, "agent", "target", "vdso-agent.jar")
OLD_AGENT = os.environ.get("OLD_AGENT")
WORK = os.path.join(ROOT, "agent", "target", "figures")
JMX = os.path.join(WORK, "jmx_prometheus_javaagent-1.0.1.jar")
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
JAVA = sys.argv[3] if len(sys.argv) > 3 else "java"

APP = """
import java.io.*;
import java.time.Instant;
public class EndpointApp {
    public static void main(String[] args) throws Exception {
        System.out.println("app up");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        Instant now = Instant.now();
        System.out.println("exit-at " + (now.getEpochSecond() * 1000000L + now.getNano() / 1000));
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) System.exit(0);
    }
}
"""


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def prepare():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.isfile(AGENT):
        sys.exit("missing %s: build it first" % AGENT)
    if not os.path.isfile(JMX):
        subprocess.run(["mvn", "-B", "-q", "dependency:copy",
                        "-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:1.0.1",
                        "-DoutputDirectory=" + WORK], check=True, cwd=ROOT)
    with open(os.path.join(WORK, "EndpointApp.java"), "w") as f:
        f.write(APP)
    subprocess.run(["javac", "--release", "8", "-d", WORK, os.path.join(WORK, "EndpointApp.java")], check=True,
                   stderr=subprocess.DEVNULL)
    config = os.path.join(WORK, "jmx.yaml")
    with open(config, "w") as f:
        f.write("rules:\n  - pattern: \".*\"\n")
    return config


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def flags(kind, port, config):
    if kind == "ours":
        return ["-javaagent:%s=host=127.0.0.1,port=%d" % (AGENT, port)]
    if kind == "noinstr":
        return ["-javaagent:%s=host=127.0.0.1,port=%d,instrument=false" % (AGENT, port)]
    if kind == "old":
        return ["-javaagent:%s=host=127.0.0.1,port=%d" % (OLD_AGENT, port)]
    if kind == "disabled":
        return ["-javaagent:%s=enabled=false" % AGENT]
    if kind == "jmx":
        return ["-javaagent:%s=127.0.0.1:%d:%s" % (JMX, port, config)]
    return []


def launch(kind, config, mode="return"):
    port = free_port()
    p = subprocess.Popen([JAVA] + flags(kind, port, config) + ["-cp", WORK, "EndpointApp", mode],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert p.stdout.readline().strip() == "app up"
    if kind in ("ours", "noinstr", "old", "jmx"):
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
                    r.read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
    return p, port


def percentile_ms(text, label):
    m = re.search(r"^\s+%s\s+([\d.]+)(us|ms|s)\s*$" % re.escape(label), text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(port, clients):
    threads = min(clients, 2)
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % clients, "-d%ds" % SECONDS, "--latency",
                          "http://127.0.0.1:%d/metrics" % port], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    return percentile_ms(out, "50%"), percentile_ms(out, "99%"), rps, errors.group(0) if errors else ""


def spread(values, fmt="%.2f"):
    return (fmt + " (" + fmt + "-" + fmt + ")") % (statistics.median(values), min(values), max(values))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def threads(pid, prefix):
    names = []
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
            names.append(f.read().strip())
    return len([n for n in names if n.startswith(prefix)]), len(names)


def latency(config):
    kinds = ["ours"] + (["old"] if OLD_AGENT else []) + ["jmx"]
    print("## /metrics latency, %d rounds x %d s per case, %s" % (ROUNDS, SECONDS, load()))
    apps = {k: launch(k, config) for k in kinds}
    for k, (p, port) in apps.items():
        wrk(port, 1)  # warm-up, not counted
    for k in ("ours",):
        p, port = apps[k]
        n, total = threads(p.pid, "vdso-agent-http")
        print("threads after warm-up: vdso-agent-http* %d of %d in the JVM; RSS %d KiB" % (n, total, rss_kib(p.pid)))
    results = {}
    for clients in (1, 10, 50):
        for r in range(ROUNDS):
            for k in (kinds if r % 2 == 0 else list(reversed(kinds))):
                results.setdefault((k, clients), []).append(wrk(apps[k][1], clients))
        print("clients %d (%s)" % (clients, load()))
        for k in kinds:
            rows = results[(k, clients)]
            print("  %-5s p50 %s ms  p99 %s ms  req/s %s %s" % (
                k, spread([x[0] for x in rows]), spread([x[1] for x in rows]), spread([x[2] for x in rows], "%.0f"),
                " ".join(sorted(set(x[3] for x in rows if x[3])))))
        o99 = statistics.median([x[1] for x in results[("ours", clients)]])
        j99 = statistics.median([x[1] for x in results[("jmx", clients)]])
        print("  p99 ours / jmx_exporter = %.3f" % (o99 / j99))
    p, port = apps["ours"]
    n, total = threads(p.pid, "vdso-agent-http")
    print("threads after load: vdso-agent-http* %d of %d; RSS ours %d KiB, jmx_exporter %d KiB" % (
        n, total, rss_kib(p.pid), rss_kib(apps["jmx"][0].pid)))
    for k, (p, port) in apps.items():
        p.stdin.write("\n")
        p.stdin.flush()
        p.wait(60)


def exit_delay(config):
    kinds = ["none", "disabled", "noinstr", "ours"] + (["old"] if OLD_AGENT else [])
    rounds = max(ROUNDS * 3, 7)
    print("## exit -> gone, %d alternating rounds, %s" % (rounds, load()))
    for mode in ("exit", "return"):
        samples = {}
        for r in range(rounds):
            for k in (kinds if r % 2 == 0 else list(reversed(kinds))):
                p, port = launch(k, config, mode)
                p.stdin.write("\n")
                p.stdin.flush()
                line = p.stdout.readline()
                p.wait(60)
                gone = time.time_ns() // 1000
                samples.setdefault(k, []).append((gone - int(line.split()[1])) / 1000.0)
        print("%s (%s)" % (mode, load()))
        for k in kinds:
            print("  %-8s %s ms" % (k, spread(samples[k], "%.1f")))
        print("  added by the agent (median ours - median none): %.1f ms" % (
            statistics.median(samples["ours"]) - statistics.median(samples["none"])))


if __name__ == "__main__":
    cfg = prepare()
    print("java: " + subprocess.run([JAVA, "-version"], capture_output=True, text=True).stderr.splitlines()[0])
    which = sys.argv[4] if len(sys.argv) > 4 else "all"
    if which in ("all", "latency"):
        latency(cfg)
    if which in ("all", "exit"):
        exit_delay(cfg)
