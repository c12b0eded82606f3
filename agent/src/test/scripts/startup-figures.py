#!/usr/bin/env python3
"""Start-up figures of vdso-agent beside the jmx_exporter 1.0.1 agent, measured in the same run.

Prints (never asserts) medians over N alternating runs of a trivial main:
  - premain time as measured inside premain (vdso-agent's debug line),
  - added wall time vs the same main without any agent,
  - launch -> first HTTP 200 from /metrics,
and the ratios against jmx_exporter (goals: added start-up <= 1/4, first scrape <= 1/2).

Usage (from the repository root, after `mvn -B -q -pl agent -am package -DskipTests`):
  python3 agent/src/test/scripts/startup-figures.py [runs] [java]
jmx_exporter is fetched from Maven Central into agent/target/figures with `mvn dependency:copy`.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
AGENT = os.path.join(ROOT, "agent", "target", "vdso-agent.jar")
WORK = os.path.join(ROOT, "agent", "target", "figures")
JMX_VERSION = "1.0.1"
JMX = os.path.join(WORK, "jmx_prometheus_javaagent-%s.jar" % JMX_VERSION)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
JAVA = sys.argv[2] if len(sys.argv) > 2 else "java"

MAIN = """
public class Trivial {
    public static void main(String[] args) throws Exception {
        System.out.println("trivial " + System.nanoTime());
        if (args.length > 0) Thread.sleep(Long.parseLong(args[0]));
    }
}
"""


def prepare():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.isfile(AGENT):
        sys.exit("missing %s: build it first (mvn -B -q -pl agent -am package -DskipTests)" % AGENT)
    if not os.path.isfile(JMX):
        subprocess.run(["mvn", "-B", "-q", "dependency:copy",
                        "-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:%s" % JMX_VERSION,
                        "-DoutputDirectory=" + WORK], check=True, cwd=ROOT)
    with open(os.path.join(WORK, "Trivial.java"), "w") as f:
        f.write(MAIN)
    javac = os.path.join(os.path.dirname(os.path.realpath(subprocess.run(
        ["bash", "-c", "command -v " + JAVA], capture_output=True, text=True).stdout.strip())), "javac")
    subprocess.run([javac, "--release", "8", "-d", WORK, os.path.join(WORK, "Trivial.java")], check=True,
                   stderr=subprocess.DEVNULL)
    config = os.path.join(WORK, "jmx.yaml")
    with open(config, "w") as f:
        f.write("rules:\n  - pattern: \".*\"\n")
    return config


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def agent_flag(kind, port, config):
    if kind == "vdso-agent":
        return ["-javaagent:%s=host=127.0.0.1,port=%d,log-level=debug" % (AGENT, port)]
    if kind == "jmx_exporter":
        return ["-javaagent:%s=127.0.0.1:%d:%s" % (JMX, port, config)]
    return []


def wall(kind, config):
    """Wall time of the trivial main (which returns at once: the agent's work must not delay it)."""
    cmd = [JAVA] + agent_flag(kind, free_port(), config) + ["-cp", WORK, "Trivial"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    m = re.search(r"premain took ([0-9.]+) ms", r.stderr)
    return elapsed, (float(m.group(1)) if m else None)


def first_scrape(kind, config):
    """Launch -> first /metrics 200, and -> first 200 that carries verdicts (vdso-agent only).

    Also returns vdso-agent's premain figure from its debug line (the app is alive long enough here).
    """
    port = free_port()
    cmd = [JAVA] + agent_flag(kind, port, config) + ["-cp", WORK, "Trivial", "60000"]
    err = tempfile.TemporaryFile(mode="w+")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    first = verdicts = float("nan")
    try:
        while time.perf_counter() - t0 < 60:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as resp:
                    body = resp.read().decode("utf-8", "replace")
                    now = time.perf_counter() - t0
                    if resp.status == 200 and first != first:
                        first = now
                    if kind != "vdso-agent" or "vdso_clock_fallback{" in body:
                        verdicts = now
                        break
            except Exception:
                pass
            time.sleep(0.005)
    finally:
        p.kill()
        p.wait()
    err.seek(0)
    m = re.search(r"premain took ([0-9.]+) ms", err.read())
    return first, verdicts, (float(m.group(1)) if m else None)


def main():
    config = prepare()
    kinds = ["none", "vdso-agent", "jmx_exporter"]
    walls = {k: [] for k in kinds}
    scrapes = {k: [] for k in kinds[1:]}
    full = {k: [] for k in kinds[1:]}
    premain = []
    for i in range(RUNS):
        order = kinds if i % 2 == 0 else list(reversed(kinds))
        for k in order:
            elapsed, _ = wall(k, config)
            walls[k].append(elapsed)
        for k in (kinds[1:] if i % 2 == 0 else list(reversed(kinds[1:]))):
            first, verdicts, pm = first_scrape(k, config)
            scrapes[k].append(first)
            full[k].append(verdicts)
            if pm is not None:
                premain.append(pm)
    med = {k: statistics.median(v) for k, v in walls.items()}
    added = {k: med[k] - med["none"] for k in kinds[1:]}
    first = {k: statistics.median(v) for k, v in scrapes.items()}
    with_verdicts = {k: statistics.median(v) for k, v in full.items()}
    version = subprocess.run([JAVA, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print("java: %s; runs: %d (alternating), medians" % (version, RUNS))
    print("premain (inside premain)      vdso-agent %.2f ms" % statistics.median(premain) if premain else "premain: n/a")
    print("trivial main, no agent        %.0f ms" % (med["none"] * 1000))
    for k in kinds[1:]:
        print("added wall time  %-13s +%.0f ms" % (k, added[k] * 1000))
    for k in kinds[1:]:
        print("launch -> first /metrics 200  %-13s %.0f ms" % (k, first[k] * 1000))
    print("launch -> first /metrics with verdicts (vdso_clock_fallback)  vdso-agent %.0f ms"
          % (with_verdicts["vdso-agent"] * 1000))
    print("ratio added start-up   vdso-agent / jmx_exporter = %.2f (goal <= 0.25)"
          % (added["vdso-agent"] / added["jmx_exporter"]))
    print("ratio first scrape     vdso-agent / jmx_exporter = %.2f (goal <= 0.50)"
          % (first["vdso-agent"] / first["jmx_exporter"]))
    print("ratio first scrape with verdicts / jmx_exporter = %.2f"
          % (with_verdicts["vdso-agent"] / first["jmx_exporter"]))


if __name__ == "__main__":
    main()
