#!/usr/bin/env bash
# The agent's probe cost inside gVisor vs on the host: first probe and a re-probe, wall and CPU as the
# agent's /report gives them (probe.wallNanos / probe.cpuNanos: the probing threads' CPU as the kernel
# that runs them accounts it). gVisor's ptrace platform counts a thread's CPU in 10 ms steps and, as
# measured here, also while the thread waits for a host CPU: each round therefore also runs a 300 ms busy
# loop in the same place and reports the CPU each kernel books for it (the host books only what the
# thread got). Rounds alternate host and sandbox so drifting load hits both alike; cells are the median
# (min-max).
#
# Usage (as root, after mvn -pl agent -am package): examples/benchmarks-agent/gvisor-probe.sh [rounds]
# Needs runsc (Debian package runsc), busybox-static, python3; JAVA defaults to the JDK 17 of .ci/run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${1:-7}
JAVA=${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
AGENT_JAR=${AGENT_JAR:-$ROOT/agent/target/vdso-agent.jar}
WORK=$(mktemp -d /tmp/gvisor-probe-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
BUSYBOX=$(command -v busybox)

mkdir -p "$WORK/app"
cat >"$WORK/app/Sleeper.java" <<'JAVA'
public class Sleeper {
    public static void main(String[] a) throws Exception {
        Thread.sleep(Long.parseLong(a[0]));
    }
}
JAVA
cat >"$WORK/app/Busy.java" <<'JAVA'
public class Busy {
    public static void main(String[] a) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime(), x = 0;
        while (System.nanoTime() - w0 < 300_000_000L) {
            x += x * 31 + 1;
        }
        System.out.println((mx.getCurrentThreadCpuTime() - c0) / 1e6 + " " + (x & 1));
    }
}
JAVA
"$(dirname "$JAVA")/javac" -d "$WORK/app" "$WORK/app/Sleeper.java" "$WORK/app/Busy.java"

# One round in one place ($1 = label): the agent re-probes every 2 s; /report once it answers (the first
# probe), then 6 s later (a re-probe). Prints "label first_wall first_cpu later_wall later_cpu" in ms.
cat >"$WORK/round.sh" <<SH
#!/bin/sh
D=\$(mktemp -d)
BUSY=\$($JAVA -cp $WORK/app Busy | cut -d' ' -f1)
$JAVA -javaagent:$AGENT_JAR=port=9404,host=127.0.0.1,interval=2s -cp $WORK/app Sleeper 10000 2>\$D/stderr &
i=0; while [ \$i -lt 300 ]; do $BUSYBOX wget -q -O \$D/r1 http://127.0.0.1:9404/report 2>/dev/null && break; sleep 0.1; i=\$((i+1)); done
sleep 6
$BUSYBOX wget -q -O \$D/r2 http://127.0.0.1:9404/report
wait
python3 -c 'import json,sys; a=json.load(open(sys.argv[2]))["probe"]; b=json.load(open(sys.argv[3]))["probe"]; print(sys.argv[1], a["wallNanos"]/1e6, a["cpuNanos"]/1e6, b["wallNanos"]/1e6, b["cpuNanos"]/1e6, sys.argv[4])' "\$1" \$D/r1 \$D/r2 "\$BUSY"
rm -rf \$D
SH
chmod +x "$WORK/round.sh"

for r in $(seq 1 "$ROUNDS"); do
    "$WORK/round.sh" host >>"$WORK/results"
    runsc --network=none do "$WORK/round.sh" gvisor 2>/dev/null | cat >>"$WORK/results"
done
python3 - "$WORK/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 6:
        rows.setdefault(f[0], []).append([float(x) for x in f[1:]])
def cell(vals):
    return "%.1f (%.1f-%.1f)" % (statistics.median(vals), min(vals), max(vals))
print("| where | rounds | first probe wall ms | first probe CPU ms | re-probe wall ms | re-probe CPU ms | CPU booked for a 300 ms busy loop |")
print("|---|---|---|---|---|---|---|")
for where in ("host", "gvisor"):
    v = rows.get(where, [])
    if v:
        print("| %s | %d | %s |" % (where, len(v), " | ".join(cell([x[i] for x in v]) for i in range(5))))
h, g = rows.get("host"), rows.get("gvisor")
if h and g:
    print("\nfirst-probe CPU, gvisor / host (medians): %.2fx; re-probe CPU: %.2fx" % (
        statistics.median([x[1] for x in g]) / statistics.median([x[1] for x in h]),
        statistics.median([x[3] for x in g]) / max(0.001, statistics.median([x[3] for x in h]))))
    # The same booking ratio applied to the probe: what the sandbox's probe cost in CPU the host gave it.
    share = statistics.median([x[4] for x in h]) / statistics.median([x[4] for x in g])
    print("busy loop booked gvisor / host: %.2fx; first-probe CPU scaled by it: gvisor %.1f ms vs host %.1f ms (%.2fx)" % (
        1 / share, statistics.median([x[1] for x in g]) * share, statistics.median([x[1] for x in h]),
        statistics.median([x[1] for x in g]) * share / statistics.median([x[1] for x in h])))
PY
