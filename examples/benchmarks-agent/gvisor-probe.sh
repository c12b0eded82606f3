#!/usr/bin/env bash
# The agent's probe cost inside gVisor vs on the host, the same JVM work in both places, rounds alternating
# (host, sandbox, host, ...) so drifting load hits both alike; cells are the median (min-max).
#
# Per round and place, three fresh JVMs:
#  1. ProbeParts prober: Prober built as the agent builds it (its proof runner the agent's proof process; where
#     the host facts say gVisor the proof runs on a thread), a first probe and a re-probe. CPU two ways:
#     "probe" = the probing thread + the detectors' threads + the reaped proof process (what /report's
#     probe.cpuNanos says); "process" = utime+stime+cutime+cstime of /proc/self/stat around the probe (every
#     thread of the JVM: JIT, GC, class loading; and the proof process), 10 ms ticks.
#     Then two controls of fixed work in the same JVM: 100M xorshift64 steps and 2M System.nanoTime calls
#     (vDSO calls in both places). gVisor books a thread's CPU in 10 ms steps and, on a loaded host, also while
#     the thread waits for a host CPU; the control's ratio (sandbox / host) measures that skew, and the
#     normalised ratio divides the probe's ratio by it.
#     The same with the proof on a thread in both places ("like for like": the host's agent uses a process).
#  2. ProbeParts parts: each part of a probe on its own (where the CPU goes), the proof both as a process and
#     on a thread.
#  3. The agent itself (-javaagent, interval 2 s): /report's probe once it answers (first probe) and 6 s later
#     (a re-probe), as a user sees it.
#
# Usage (as root, after mvn -pl agent -am package): examples/benchmarks-agent/gvisor-probe.sh [rounds] [platform]
# Needs runsc (Debian package runsc), busybox-static, python3; JAVA defaults to the JDK 17 of .ci/run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${1:-7}
PLATFORM=${2:-ptrace}
JAVA=${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
AGENT_JAR=${AGENT_JAR:-$ROOT/agent/target/vdso-agent.jar}
UBER_JAR=${UBER_JAR:-$ROOT/agent/target/vdso-agent-uber.jar}
WORK=$(mktemp -d /tmp/gvisor-probe-bench.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
BUSYBOX=$(command -v busybox)
RUNSC=(runsc --platform="$PLATFORM" --network=none do)

# Another platform may not start here (kvm under a nested or paravirtual KVM hangs): try it first, bounded.
if ! timeout 60 "${RUNSC[@]}" /bin/true </dev/null >/dev/null 2>&1; then
    echo "platform $PLATFORM: runsc do /bin/true did not finish within 60 s (or failed); not measured" >&2
    exit 2
fi

mkdir -p "$WORK/app"
cp "$HERE/src/java/ProbeParts.java" "$WORK/app/"
cat >"$WORK/app/Sleeper.java" <<'JAVA'
public class Sleeper {
    public static void main(String[] a) throws Exception {
        Thread.sleep(Long.parseLong(a[0]));
    }
}
JAVA
"$(dirname "$JAVA")/javac" -cp "$UBER_JAR" -d "$WORK/app" "$WORK/app/Sleeper.java" "$WORK/app/ProbeParts.java"

# One round in one place ($1 = label). Output lines: "label kind name values...".
cat >"$WORK/round.sh" <<SH
#!/bin/sh
D=\$(mktemp -d)
PORT=\$((20000 + \$\$ % 10000)) # not a fixed port: other tests on a shared host may hold one
$JAVA -cp $UBER_JAR:$WORK/app ProbeParts prober process $AGENT_JAR | grep -v '^#' | sed "s/^/\$1 prober /"
$JAVA -cp $UBER_JAR:$WORK/app ProbeParts prober thread $AGENT_JAR | grep -v '^#' | sed "s/^/\$1 thread /"
$JAVA -cp $UBER_JAR:$WORK/app ProbeParts parts process $AGENT_JAR | grep -v '^#' | sed "s/^/\$1 parts /"
$JAVA -javaagent:$AGENT_JAR=port=\$PORT,host=127.0.0.1,interval=2s -cp $WORK/app Sleeper 10000 2>\$D/stderr &
i=0; while [ \$i -lt 300 ]; do $BUSYBOX wget -q -O \$D/r1 http://127.0.0.1:\$PORT/report 2>/dev/null && break; sleep 0.1; i=\$((i+1)); done
sleep 6
$BUSYBOX wget -q -O \$D/r2 http://127.0.0.1:\$PORT/report
wait
python3 -c 'import json,sys; a=json.load(open(sys.argv[2]))["probe"]; b=json.load(open(sys.argv[3]))["probe"]; print(sys.argv[1], "agent report", a["wallNanos"]/1e6, a["cpuNanos"]/1e6, b["wallNanos"]/1e6, b["cpuNanos"]/1e6)' "\$1" \$D/r1 \$D/r2
rm -rf \$D
SH
chmod +x "$WORK/round.sh"

echo "start $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg), platform $PLATFORM, $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
    "$WORK/round.sh" host </dev/null >>"$WORK/results" 2>>"$WORK/stderr"
    "${RUNSC[@]}" "$WORK/round.sh" gvisor </dev/null 2>>"$WORK/stderr" | cat >>"$WORK/results"
    echo "round $r done $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "end $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -v '^[IWD][0-9]' "$WORK/stderr" | tail -5 >&2 || true
python3 - "$WORK/results" <<'PY'
import statistics, sys
# rows[(where, kind, name)] = list of value lists
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 4:
        try:
            rows.setdefault((f[0], f[1], f[2]), []).append([float(x) for x in f[3:]])
        except ValueError:
            pass
def col(where, kind, name, i):
    return [v[i] for v in rows.get((where, kind, name), []) if len(v) > i]
def med(xs):
    return statistics.median(xs) if xs else float("nan")
def cell(xs):
    return "%.0f (%.0f-%.0f)" % (med(xs), min(xs), max(xs)) if xs else "-"
# prober lines: wall thread+probe-threads+proof-process process children (ms)
def total(where, name, kind="prober"):
    return [v[2] + v[3] for v in rows.get((where, kind, name), [])]
def plus(a, b):
    return [x + y for x, y in zip(a, b)]
print("\n| where | rounds | prober build (native load) wall / process CPU | first probe wall | first probe CPU (probe) | first probe CPU (process) | re-probe wall | re-probe CPU (probe) | re-probe CPU (process) | control loop CPU | control nanoTime CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for w in ("host", "gvisor"):
    print("| %s | %d | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (w, len(rows.get((w, "prober", "prober-first"), [])),
        cell(col(w, "prober", "prober-build", 0)), cell(total(w, "prober-build")),
        cell(col(w, "prober", "prober-first", 0)), cell(col(w, "prober", "prober-first", 1)), cell(total(w, "prober-first")),
        cell(col(w, "prober", "prober-again", 0)), cell(col(w, "prober", "prober-again", 1)), cell(total(w, "prober-again")),
        cell(col(w, "prober", "control-loop", 1)), cell(col(w, "prober", "control-nanotime", 1))))
def ratio(a, b):
    return med(a) / med(b) if b and med(b) > 0 else float("nan")
skew = ratio(col("gvisor", "prober", "control-loop", 1), col("host", "prober", "control-loop", 1))
skew_t = ratio(col("gvisor", "prober", "control-nanotime", 1), col("host", "prober", "control-nanotime", 1))
print("\nlike for like, proof on a thread in both: first probe CPU probe / process: host %s / %s, gvisor %s / %s" % (
    cell(col("host", "thread", "prober-first", 1)), cell(total("host", "prober-first", "thread")),
    cell(col("gvisor", "thread", "prober-first", 1)), cell(total("gvisor", "prober-first", "thread"))))
print("\ncontrol (fixed work) booked gvisor / host: loop %.2fx, nanoTime %.2fx" % (skew, skew_t))
for label, g, h in (
        ("first probe CPU (probe)", col("gvisor", "prober", "prober-first", 1), col("host", "prober", "prober-first", 1)),
        ("first probe CPU (process)", total("gvisor", "prober-first"), total("host", "prober-first")),
        ("prober build (native load) + first probe CPU (process)", plus(total("gvisor", "prober-build"), total("gvisor", "prober-first")),
            plus(total("host", "prober-build"), total("host", "prober-first"))),
        ("like for like (proof on a thread in both) first probe CPU (probe)", col("gvisor", "thread", "prober-first", 1),
            col("host", "thread", "prober-first", 1)),
        ("like for like (proof on a thread in both) first probe CPU (process)", total("gvisor", "prober-first", "thread"),
            total("host", "prober-first", "thread")),
        ("re-probe CPU (probe)", col("gvisor", "prober", "prober-again", 1), col("host", "prober", "prober-again", 1)),
        ("re-probe CPU (process)", total("gvisor", "prober-again"), total("host", "prober-again"))):
    r = ratio(g, h)
    print("%s gvisor / host: raw %.2fx, control-normalised %.2fx" % (label, r, r / skew))
print("\nwhere the first probe's CPU goes (ProbeParts parts; ms, medians; probe = thread(s), process = utime+stime, children = cutime+cstime)")
print("| part | host wall | host probe | host process+children | gvisor wall | gvisor probe | gvisor process+children |")
print("|---|---|---|---|---|---|---|")
names = []
for (w, k, n) in rows:
    if k == "parts" and n not in names:
        names.append(n)
for n in names:
    def pc(w):
        return [v[2] + v[3] for v in rows.get((w, "parts", n), [])]
    print("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |" % (n, med(col("host", "parts", n, 0)), med(col("host", "parts", n, 1)),
        med(pc("host")), med(col("gvisor", "parts", n, 0)), med(col("gvisor", "parts", n, 1)), med(pc("gvisor"))))
print("\nthe agent's own /report (probe.wallNanos / probe.cpuNanos, ms)")
print("| where | rounds | first wall | first CPU | re-probe wall | re-probe CPU |")
print("|---|---|---|---|---|---|")
for w in ("host", "gvisor"):
    v = rows.get((w, "agent", "report"), [])
    print("| %s | %d | %s |" % (w, len(v), " | ".join(cell([x[i] for x in v]) for i in range(4))))
PY
