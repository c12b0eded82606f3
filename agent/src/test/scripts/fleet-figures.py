#!/usr/bin/env python3
"""Fleet figures of vdso-agent (issue 26), measured on this machine. Prints, never asserts.

  - series per process from a real scrape of /metrics: a JVM agent with host-detail=full and one with
    host-detail=summary (the same demo app, same arguments), and node mode (`serve`); each count plus the
    5 series Prometheus adds per target (up, scrape_*) and the 1 recorded instance:vdso_kernel:info;
  - the total for a fleet of 500 JVMs on 50 nodes computed from those counts: all full, vs all summary plus
    one node-mode process per node;
  - `report --prom FILE`: wall and CPU time (user+sys of the child, from wait4) over alternating rounds,
    next to `report` (the human report, same probe) as the baseline; median and min-max.

Usage (from the repository root, after `mvn -B -q -pl agent -am package -DskipTests` and the demo jar,
`mvn -B -q -pl examples/demo -am package -DskipTests`):
  python3 agent/src/test/scripts/fleet-figures.py [rounds] [java]
"""
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
AGENT = os.path.join(ROOT, "agent", "target", "vdso-agent.jar")
DEMO = os.path.join(ROOT, "examples", "demo", "target", "demo.jar")
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
JAVA = sys.argv[2] if len(sys.argv) > 2 else "java"
PER_TARGET = 5 + 1  # up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling, scrape_series_added; the recording rule


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
            if "vdso_info{" in body and ("jvm_clock_calls_total" in body or "mode=\"node\"" in body):
                return body
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"no /metrics on {port}")


def series(body):
    return [l for l in body.splitlines() if l and not l.startswith("#")]


def count_series(command, port):
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        scrape(port)
        time.sleep(12)  # call sites ranked, a refresh done: the steady-state series set
        lines = series(scrape(port))
        return len(lines), sorted({re.split(r"[{ ]", l)[0] for l in lines}), lines
    finally:
        proc.terminate()
        proc.wait()


def jvm(detail):
    port = free_port()
    return [JAVA, f"-javaagent:{AGENT}=host=127.0.0.1,port={port},host-detail={detail}", "-jar", DEMO,
            "--rate=1000", "--threads=2"], port


def node():
    port = free_port()
    return [JAVA, "-jar", AGENT, "serve", "host=127.0.0.1", f"port={port}"], port


def timed(command):
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - start
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return rc, wall, cpu


def summary(values):
    return f"median {statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f})"


def main():
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {JAVA}, load {os.getloadavg()[0]:.2f}")
    counts = {}
    for name, (command, port) in (("jvm full", jvm("full")), ("jvm summary", jvm("summary")), ("node mode", node())):
        n, names, _ = count_series(command, port)
        counts[name] = n
        print(f"{name}: {n} series on /metrics, {n + PER_TARGET} in Prometheus")
    full, summ, nodes = (counts["jvm full"] + PER_TARGET, counts["jvm summary"] + PER_TARGET,
                         counts["node mode"] + PER_TARGET)
    print(f"500 JVMs on 50 nodes: all full {500 * full}; all summary + 50 node-mode {500 * summ + 50 * nodes} "
          f"({(500 * summ + 50 * nodes) / (500 * full):.2f}x)")

    with tempfile.TemporaryDirectory() as tmp:
        prom = os.path.join(tmp, "vdso-agent.prom")
        variants = {"report --prom": [JAVA, "-jar", AGENT, "report", "--prom", prom],
                    "report (baseline)": [JAVA, "-jar", AGENT, "report"]}
        walls = {k: [] for k in variants}
        cpus = {k: [] for k in variants}
        for _ in range(ROUNDS):  # alternate the variants
            for name, command in variants.items():
                rc, wall, cpu = timed(command)
                if rc != 0:
                    raise SystemExit(f"{name} exited {rc}")
                walls[name].append(wall)
                cpus[name].append(cpu)
        for name in variants:
            print(f"{name}: wall s {summary(walls[name])}; cpu s {summary(cpus[name])}; {ROUNDS} rounds")
        print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
