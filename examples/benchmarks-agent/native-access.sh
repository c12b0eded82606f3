#!/usr/bin/env bash
# Figures for native access (FFM on JDK 22+, jnr before): per-call clock_gettime(MONOTONIC) cost through
# the agent's latency detector vs a C loop, first-probe and re-probe CPU, stderr lines the agent causes,
# and the agent jar's size. Rounds alternate the configurations so drifting load hits all alike.
#
# Usage: examples/benchmarks-agent/native-access.sh [rounds]   (after mvn -pl core,agent -am package)
#   BEFORE_JAR=/path/to/older/vdso-agent.jar also counts that jar's stderr lines and size.
# Needs gcc, python3, curl; JDK17 / JDK25 as in .ci/run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${1:-5}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
AGENT_JAR=${AGENT_JAR:-$ROOT/agent/target/vdso-agent.jar}
BEFORE_JAR=${BEFORE_JAR:-}
WORK=$(mktemp -d /tmp/native-access-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

gcc -O2 -Wall -o "$WORK/clockref" "$HERE/src/clockref.c"
mkdir -p "$WORK/app"
cat >"$WORK/app/Sleeper.java" <<'JAVA'
public class Sleeper {
    public static void main(String[] a) throws Exception {
        Thread.sleep(Long.parseLong(a[0]));
    }
}
JAVA
"$JDK17/bin/javac" -d "$WORK/app" "$WORK/app/Sleeper.java"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
MONO='[c for c in d["clocks"] if c["clock"]=="monotonic"][0]'

# One measurement round of one configuration: label, java home, -Dvdso.native value.
measure() {
    local label=$1 home=$2 impl=$3 out
    # Short batches (1000 vDSO / 100 syscall calls, median of 101) like the latency detector's ~20 us
    # batches: on a loaded host long batches are preempted and read several times too slow.
    out=$("$WORK/clockref" 1000 100 101)
    echo "$label c_vdso $(awk '/^vdso_ns/{print $2}' <<<"$out")"
    echo "$label c_syscall $(awk '/^syscall_ns/{print $2}' <<<"$out")"
    local report
    report=$("$home/bin/java" "-Dvdso.native=$impl" -jar "$AGENT_JAR" report --json 2>/dev/null)
    echo "$label ffi_vdso $(json "$MONO[\"vdsoNanos\"]" <<<"$report")"
    echo "$label ffi_syscall $(json "$MONO[\"syscallNanos\"]" <<<"$report")"
    echo "$label first_probe_cpu_ms $(json 'd["probe"]["cpuNanos"]/1e6' <<<"$report")"
    # Re-probe CPU: an agent re-probing every second; /report holds the latest snapshot's figure.
    "$home/bin/java" "-Dvdso.native=$impl" "-javaagent:$AGENT_JAR=port=0,host=127.0.0.1,interval=1s,instrument=false" \
        -cp "$WORK/app" Sleeper 120000 2>"$WORK/err" &
    local pid=$! port=""
    for _ in $(seq 1 600); do
        port=$(sed -n 's/.*metrics on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    sleep 3.5 # the first probe plus at least two re-probes
    local body=""
    for _ in 1 2 3 4 5; do
        body=$(curl -sf "http://127.0.0.1:$port/report") && break
        sleep 1
    done
    if [ -n "$body" ]; then
        echo "$label reprobe_cpu_ms $(json 'd["probe"]["cpuNanos"]/1e6' <<<"$body")"
    else
        echo "$label: no /report from port [$port]: $(cat "$WORK/err")" >&2
    fi
    kill "$pid"
    wait "$pid" || true
}

# stderr lines of a plain application that the agent added (default flags, nothing else on stderr).
stderr_lines() {
    local home=$1 jar=$2
    "$home/bin/java" "-javaagent:$jar=port=0,host=127.0.0.1" -cp "$WORK/app" Sleeper 4000 2>"$WORK/err2" >/dev/null
    grep -vc '^vdso-agent: ' "$WORK/err2" || true
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
    measure "17-jnr" "$JDK17" auto
    measure "25-ffm" "$JDK25" ffm
    measure "25-jnr" "$JDK25" jnr
done >"$WORK/rows"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK/rows" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, key, value = line.split()
    rows.setdefault((label, key), []).append(float(value))
def cell(label, key):
    v = rows[(label, key)]
    return "%.1f (%.1f-%.1f)" % (statistics.median(v), min(v), max(v))
print("| JDK / path | C vDSO ns | agent vDSO ns | ratio | C syscall ns | agent syscall ns | ratio | first probe CPU ms | re-probe CPU ms |")
print("|---|---|---|---|---|---|---|---|---|")
for label in ("17-jnr", "25-ffm", "25-jnr"):
    rv = statistics.median(rows[(label, "ffi_vdso")]) / statistics.median(rows[(label, "c_vdso")])
    rs = statistics.median(rows[(label, "ffi_syscall")]) / statistics.median(rows[(label, "c_syscall")])
    print("| %s | %s | %s | %+.0f %% | %s | %s | %+.0f %% | %s | %s |" % (label, cell(label, "c_vdso"), cell(label, "ffi_vdso"),
          100 * (rv - 1), cell(label, "c_syscall"), cell(label, "ffi_syscall"), 100 * (rs - 1),
          cell(label, "first_probe_cpu_ms"), cell(label, "reprobe_cpu_ms")))
PY

echo
echo "| agent jar | size (bytes) | stderr lines beyond ours, JDK 17 | JDK 25 |"
echo "|---|---|---|---|"
if [ -n "$BEFORE_JAR" ]; then
    # Under its own name: a renamed jar's Boot-Class-Path points nowhere and the JVM adds a CDS warning.
    mkdir -p "$WORK/before" && cp "$BEFORE_JAR" "$WORK/before/vdso-agent.jar"
    echo "| before ($BEFORE_JAR) | $(stat -c %s "$BEFORE_JAR") | $(stderr_lines "$JDK17" "$WORK/before/vdso-agent.jar") | $(stderr_lines "$JDK25" "$WORK/before/vdso-agent.jar") |"
fi
echo "| after ($AGENT_JAR) | $(stat -c %s "$AGENT_JAR") | $(stderr_lines "$JDK17" "$AGENT_JAR") | $(stderr_lines "$JDK25" "$AGENT_JAR") |"
