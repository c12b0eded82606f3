#!/usr/bin/env python3
"""Issue 28: CPU of one periodic re-probe (/report's probe.cpuNanos: the probing thread plus its probe
threads), the agent jar before and after a change side by side, JDK 17 and Temurin 25. Each JVM sleeps
with interval=2s (the jar after, start-delay=0; a jar before that key would refuse it and turn its endpoint off); every distinct snapshot after the first probe is one re-probe.
Usage: reprobe-cpu.py BEFORE.jar AFTER.jar [samples]"""
import json, os, statistics, subprocess, sys, tempfile, time, urllib.request

JARS = {"before": sys.argv[1], "after": sys.argv[2]}
SAMPLES = int(sys.argv[3]) if len(sys.argv) > 3 else 15
JAVAS = {"17": "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "25": "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"}
CLASSES = tempfile.mkdtemp()
with open(os.path.join(CLASSES, "Sleep.java"), "w") as f:
    f.write("public class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(Long.parseLong(a[0])); } }")
subprocess.check_call(["/usr/lib/jvm/java-17-openjdk-amd64/bin/javac", "--release", "8", "-d", CLASSES, os.path.join(CLASSES, "Sleep.java")])


def report(port):
    try:
        return json.loads(urllib.request.urlopen("http://127.0.0.1:%d/report" % port, timeout=5).read())
    except Exception:
        return None


load0 = open("/proc/loadavg").read().split()[:3]
print("load average at start: %s" % " ".join(load0))
for jdk, java in JAVAS.items():
    procs, seen = {}, {}
    for i, (name, jar) in enumerate(JARS.items()):
        port = 19700 + i
        procs[name] = (subprocess.Popen([java, "-javaagent:%s=host=127.0.0.1,port=%d,interval=2s%s" % (jar, port, ",start-delay=0" if name == "after" else ""),
                                         "-cp", CLASSES, "Sleep", "600000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port)
        seen[name] = []
    try:
        last = {n: None for n in JARS}
        first = {n: None for n in JARS}
        deadline = time.time() + 60 + SAMPLES * 4
        while time.time() < deadline and min(len(v) for v in seen.values()) < SAMPLES:
            for name, (p, port) in procs.items():
                r = report(port)
                if r is None:
                    continue
                key = (r["probe"]["wallNanos"], r["probe"]["cpuNanos"])
                if first[name] is None:
                    first[name] = key  # the first probe: not a re-probe
                elif key != last[name] and key != first[name] and len(seen[name]) < SAMPLES:
                    seen[name].append(r["probe"]["cpuNanos"] / 1e6)
                last[name] = key
            time.sleep(0.5)
    finally:
        for p, _ in procs.values():
            p.kill()
            p.wait()
    for name, xs in seen.items():
        if xs:
            print("JDK %s %-6s re-probe CPU ms: median %.2f (%.2f-%.2f), n=%d  %s" % (
                jdk, name, statistics.median(xs), min(xs), max(xs), len(xs), " ".join("%.2f" % x for x in xs)))
print("load average at end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
