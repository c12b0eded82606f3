#!/usr/bin/env bash
# Issue 16 figures in one run, variants alternating round by round, on JDK 17 and Temurin 25:
# peak RSS added by vdso-agent vs jmx_exporter 1.0.1, metaspace and live heap after start-up,
# bytes allocated by the agent's start-up, the smallest MaxMetaspaceSize / Xmx at which a trivial app
# runs unchanged, re-probe CPU, background CPU, jar size. Prints markdown rows on stdout, raw samples
# in examples/benchmarks-agent/work/lean/.
# Usage: examples/benchmarks-agent/lean.sh [ROUNDS]   (agent jar: agent/target/vdso-agent.jar, built)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${LEAN_WORK:-$HERE/work/lean}
PARTS=${PARTS:-"rss alloc limits cpu"}   # which measurements to take
ROUNDS=${1:-5}
AGENT=${VDSO_AGENT_JAR:-$ROOT/agent/target/vdso-agent.jar}
JMX=${JMX_JAR:-$HOME/.m2/repository/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar}
JDKS=${BENCH_JDKS:-"17=/usr/lib/jvm/java-17-openjdk-amd64 25=/usr/lib/jvm/temurin-25-jdk-amd64"}
P=${BENCH_PORT:-19511}
BEFORE=${BEFORE_JAR:-}    # optional: an older vdso-agent.jar measured beside (RSS, metaspace, heap, allocation)
V=(none ours noinst jmx); [[ -n $BEFORE ]] && V+=(before)
LIFE_MS=${LIFE_MS:-10000}  # long enough for every agent's start-up to end on a loaded 2-core machine
rm -rf "$W" && mkdir -p "$W/classes" "$W/s"
printf 'rules:\n  - pattern: ".*"\n' >"$W/jmx.yaml"
/usr/lib/jvm/java-17-openjdk-amd64/bin/javac --release 8 -nowarn -d "$W/classes" "$HERE/src/lean/LeanMain.java"
rec() { echo "$3" >>"$W/s/$1.$2"; }
med() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
rng() { sort -g "$1" | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }
flags() {
    case $1 in
        none) F=() ;;
        ours) F=("-javaagent:$AGENT=host=127.0.0.1,port=$P") ;;
        noinst) F=("-javaagent:$AGENT=host=127.0.0.1,port=$((P + 5)),instrument=false") ;;
        jmx) F=("-javaagent:$JMX=127.0.0.1:$((P + 1)):$W/jmx.yaml") ;;
        before) F=("-javaagent:$BEFORE=host=127.0.0.1,port=$((P + 4))") ;;
    esac
}
url() { case $1 in ours) echo "http://127.0.0.1:$P/metrics" ;; jmx) echo "http://127.0.0.1:$((P + 1))/metrics" ;;
              before) echo "http://127.0.0.1:$((P + 4))/metrics" ;; noinst) echo "http://127.0.0.1:$((P + 5))/metrics" ;; esac; }
kv() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average at start: $LOAD0; jar $(stat -c %s "$AGENT") bytes"
for pair in $JDKS; do
    j=${pair%%=*} java=${pair#*=}/bin/java
    if [[ $PARTS == *rss* ]]; then
    # 1. peak RSS, metaspace, live heap: LIFE_MS of life and one scrape, default JVM flags.
    for ((r = 0; r < ROUNDS; r++)); do
        for v in "${V[@]}"; do
            flags "$v"; u=$(url "$v" || true)
            out=$("$java" "${F[@]}" -Dlean.report=true -cp "$W/classes" LeanMain "$LIFE_MS" ${u:+"$u"} 2>/dev/null)
            rec "$j" "rss.$v" "$(kv "$out" hwm_kib)"
            rec "$j" "meta.$v" "$(kv "$out" metaspace_kib)"
            rec "$j" "live.$v" "$(kv "$out" live_kib)"
        done
    done
    fi
    if [[ $PARTS == *alloc* ]]; then
    # 2. allocation volume: a 1.5 GB eden, no TLABs, no GC before the report (check: none ran).
    for ((r = 0; r < 3; r++)); do
        for v in "${V[@]}"; do
            [[ $v == jmx ]] && continue
            flags "$v"
            out=$("$java" -XX:+UseSerialGC -Xms1600m -Xmx1600m -Xmn1500m -XX:-UseTLAB "${F[@]}" -Dlean.report=true \
                -cp "$W/classes" LeanMain "$LIFE_MS" 2>/dev/null)
            rec "$j" "alloc.$v" "$(kv "$out" allocated_kib)"
        done
    done
    fi
    if [[ $PARTS == *limits* ]]; then
    # 3. smallest limits at which the app runs unchanged (exit 0, same stdout), and at which the agent
    #    starts fully (its ready line, no "skipped").
    for lim in "-XX:MaxMetaspaceSize=6m" "-XX:MaxMetaspaceSize=8m" "-XX:MaxMetaspaceSize=10m" "-XX:MaxMetaspaceSize=12m" \
               "-XX:MaxMetaspaceSize=14m" "-XX:MaxMetaspaceSize=16m" "-XX:MaxMetaspaceSize=20m" \
               "-Xmx8m" "-Xmx12m" "-Xmx16m" "-Xmx24m" "-Xmx32m" "-Xmx48m"; do
        bare=$("$java" "$lim" -XX:+ExitOnOutOfMemoryError -cp "$W/classes" LeanMain 6000 2>/dev/null; echo "rc=$?")
        flags ours
        with=$("$java" "$lim" -XX:+ExitOnOutOfMemoryError "${F[@]}" -cp "$W/classes" LeanMain 6000 2>"$W/err"; echo "rc=$?")
        full=no
        if grep -q "metrics on" "$W/err" && ! grep -q "skipped\|not started\|standing down" "$W/err"; then full=yes; fi
        echo "$j $lim bare=[$(tr '\n' ' ' <<<"$bare")] agent=[$(tr '\n' ' ' <<<"$with")] unchanged=$([[ $bare == "$with" ]] && echo yes || echo no) agent_full=$full agent_said=[$(tr '\n' ' ' <"$W/err" | cut -c1-160)]" >>"$W/limits.txt"
    done
    fi
    if [[ $PARTS == *cpu* ]]; then
    # 4. re-probe CPU (interval=5s, /report's probe.cpuNanos after each re-probe) and background CPU of
    #    the agent's threads (default interval and poll) over a 120 s window, both JVMs at once.
    "$java" "-javaagent:$AGENT=host=127.0.0.1,port=$((P + 2)),interval=5s" -cp "$W/classes" LeanMain 90000 >/dev/null 2>&1 &
    A=$!
    "$java" "-javaagent:$AGENT=host=127.0.0.1,port=$((P + 3))" -cp "$W/classes" LeanMain 300000 >/dev/null 2>&1 &
    B=$!
    sleep 12
    thr() { for t in /proc/$1/task/*; do if [[ $(cat "$t/comm" 2>/dev/null) == vdso-agent* ]]; then cut -d' ' -f1 "$t/schedstat"; fi; done | awk '{s+=$1} END {print s+0}'; }
    for ((i = 0; i < 5; i++)); do
        sleep 5.5
        rec "$j" reprobe "$(curl -fs "http://127.0.0.1:$((P + 2))/report" | jq -r .probe.cpuNanos | awk '{printf "%.2f", $1 / 1e6}')"
    done
    kill "$A" 2>/dev/null || true; wait "$A" 2>/dev/null || true
    c0=$(thr "$B"); sleep 120; c1=$(thr "$B")
    rec "$j" background "$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.4f", (b - a) / 1e9 / 120 * 100}')"
    kill "$B" 2>/dev/null || true; wait "$B" 2>/dev/null || true
    fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for pair in $JDKS; do
    j=${pair%%=*}
    if [[ -s $W/s/$j.rss.none ]]; then
    n=$(med "$W/s/$j.rss.none") o=$(med "$W/s/$j.rss.ours") x=$(med "$W/s/$j.rss.jmx")
    echo "JDK $j: peak RSS KiB median (range): none $n ($(rng "$W/s/$j.rss.none")), ours $o ($(rng "$W/s/$j.rss.ours")), jmx $x ($(rng "$W/s/$j.rss.jmx"))"
    awk -v n="$n" -v o="$o" -v x="$x" -v j="$j" 'BEGIN {printf "JDK %s: added peak RSS ours +%.1f MiB vs jmx_exporter +%.1f MiB = %.2fx\n", j, (o-n)/1024, (x-n)/1024, (o-n)/(x-n)}'
    for k in rss meta live alloc; do
        line="JDK $j: $k KiB median (range):"
        for v in "${V[@]}"; do [[ -s $W/s/$j.$k.$v ]] && line+=" $v $(med "$W/s/$j.$k.$v") ($(rng "$W/s/$j.$k.$v"))"; done
        echo "$line"
    done
    fi
    [[ -s $W/s/$j.reprobe ]] || continue
    echo "JDK $j: re-probe CPU ms median $(med "$W/s/$j.reprobe") ($(rng "$W/s/$j.reprobe"), n=$(wc -l <"$W/s/$j.reprobe"))"
    echo "JDK $j: background CPU, % of one core over 120 s: agent threads alive at both ends $(cat "$W/s/$j.background");" \
        "with two re-probes' short-lived probe threads at most $(awk -v b="$(cat "$W/s/$j.background")" -v r="$(med "$W/s/$j.reprobe")" 'BEGIN {printf "%.4f", b + 2 * r / 1000 / 120 * 100}')"
done
cat "$W/limits.txt" 2>/dev/null || true
