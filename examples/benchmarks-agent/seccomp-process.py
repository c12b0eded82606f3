#!/usr/bin/env python3
"""Issue 24: what the seccomp proof process costs. Alternates a baseline agent jar and a candidate on JDK 17
and Temurin 25 with a sleeping main: vdso_agent_start_seconds, the JVM's peak RSS (VmHWM), its own CPU and
its reaped children's CPU (the proof process), read from /proc before it exits.
Usage: seccomp-process.py BASELINE.jar CANDIDATE.jar [runs]"""
import subprocess, time, re, os, sys, statistics, urllib.request, tempfile
JARS = {"base": sys.argv[1], "new": sys.argv[2]}
JAVAS = {"17": "java", "25": "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"}
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
CLASSES = tempfile.mkdtemp()
with open(os.path.join(CLASSES, "Sleep.java"), "w") as f:
    f.write("public class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(Long.parseLong(a[0])); } }")
subprocess.check_call(["javac", "-d", CLASSES, os.path.join(CLASSES, "Sleep.java")])
TICK = os.sysconf("SC_CLK_TCK")
res = {}
def one(java, jar):
    p = subprocess.Popen([java, "-javaagent:%s=host=127.0.0.1,port=0" % jar, "-cp", CLASSES, "Sleep", "9000"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = None; t0 = time.time()
    # wait for ready line
    err = ""
    while time.time() - t0 < 30:
        line = p.stderr.readline()
        err += line
        m = re.search(r"metrics on 127\.0\.0\.1:(\d+)", line)
        if m: port = m.group(1); break
    time.sleep(4.0)  # after start-up (instrumentation), before exit
    body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port, timeout=10).read().decode()
    st = re.search(r"^vdso_agent_start_seconds (\S+)", body, re.M).group(1)
    status = open("/proc/%d/status" % p.pid).read()
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
    ut, stt, cut, cst = [int(x) for x in f[11:15]]
    p.kill(); p.wait()
    return float(st), hwm / 1024.0, (ut + stt) * 1000.0 / TICK, (cut + cst) * 1000.0 / TICK
for i in range(RUNS):
    for jv, java in JAVAS.items():
        for var, jar in JARS.items():
            r = one(java, jar)
            res.setdefault((jv, var), []).append(r)
            print(jv, var, "start %.3f s  peakRSS %.1f MiB  cpu %.0f ms  children %.0f ms" % r, flush=True)
print()
for (jv, var), rs in sorted(res.items()):
    cols = list(zip(*rs))
    med = [statistics.median(c) for c in cols]
    print("JDK %s %-4s n=%d start median %.3f s [%.3f-%.3f]  peakRSS %.1f MiB [%.1f-%.1f]  process cpu %.0f ms [%.0f-%.0f]  children cpu %.0f ms [%.0f-%.0f]" % (
        jv, var, len(rs), med[0], min(cols[0]), max(cols[0]), med[1], min(cols[1]), max(cols[1]), med[2], min(cols[2]), max(cols[2]), med[3], min(cols[3]), max(cols[3])))
