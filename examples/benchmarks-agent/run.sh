#!/usr/bin/env bash
# Cost of vdso-agent beside no agent and beside the jmx_exporter 1.0.1 agent, on JDK 17 and
# Temurin 25, measured in ONE run (the machine is shared: absolute times drift between runs,
# ratios within a run stay meaningful). Writes a markdown report to work/report.md; the figures
# that stay current are copied by hand into BENCHMARKS.md, which holds one figure per goal.
#
# Usage: examples/benchmarks-agent/run.sh [--quick] [--no-build] [--no-jmh] [--out FILE]
#   --quick     fewer rounds and shorter windows (development; figures are rougher)
#   --no-build  use the existing agent/target/vdso-agent.jar instead of building it
#   --no-jmh    skip the clock-call JMH benchmark (examples/benchmarks, owned by its module)
#   --out FILE  write the markdown somewhere else than work/report.md
#   --render-only  rewrite the markdown from the samples of the last run (no measuring)
#   --jmh-only  run only the JMH part, then rewrite the markdown with the last run's other samples
# Environment: VDSO_AGENT_JAR (agent jar to measure), BENCH_PORT (first of two free loopback
#   ports, default 19411), BENCH_JDKS ("name=JAVA_HOME ..." pairs).
# Needs Debian packages: gcc, wrk, jq, curl, maven. Raw samples land in examples/benchmarks-agent/work/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$HERE/work
COMMAND_LINE="examples/benchmarks-agent/run.sh${*:+ $*}"

QUICK=false BUILD=true JMH=true RENDER_ONLY=false JMH_ONLY=false OUT=$WORK/report.md
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=true ;;
        --no-build) BUILD=false ;;
        --no-jmh) JMH=false ;;
        --render-only) RENDER_ONLY=true ;;
        --jmh-only) JMH_ONLY=true ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if $QUICK; then
    STARTUP_ROUNDS=5 PREMAIN_ROUNDS=3 SCRAPE_ROUNDS=3 MEM_ROUNDS=2 ACC_ROUNDS=2
    LOAD_SECONDS=3 IDLE_SETTLE_SECONDS=8 IDLE_WINDOW_SECONDS=20
else
    STARTUP_ROUNDS=15 PREMAIN_ROUNDS=10 SCRAPE_ROUNDS=10 MEM_ROUNDS=5 ACC_ROUNDS=5
    LOAD_SECONDS=10 IDLE_SETTLE_SECONDS=20 IDLE_WINDOW_SECONDS=120
fi
MEM_SLEEP_MS=4000          # the memory main lives this long: first probe and one scrape happen
FIRST_SCRAPE_TIMEOUT_MS=30000
VARIANTS=(none ours jmx)
BENCH_JDKS=${BENCH_JDKS:-"17=/usr/lib/jvm/java-17-openjdk-amd64 25=/usr/lib/jvm/temurin-25-jdk-amd64"}
PORT_OURS=${BENCH_PORT:-19411}
PORT_JMX=$((PORT_OURS + 1))
PORT_JMXSMALL=$((PORT_OURS + 2))
AGENT_JAR=${VDSO_AGENT_JAR:-$ROOT/agent/target/vdso-agent.jar}
JMX_JAR=$WORK/lib/jmx_prometheus_javaagent-1.0.1.jar
JMX_CONFIG=$WORK/jmx-config.yaml
JMX_SMALL_CONFIG=$WORK/jmx-config-small.yaml
CLASSES=$WORK/classes
RESULTS=$WORK/results
LOG=$WORK/run.log
HZ=$(getconf CLK_TCK)

say() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- small helpers
# agent_flags VARIANT: the -javaagent flag of a variant (none: nothing) into FLAGS.
agent_flags() {
    case $1 in
        none) FLAGS=() ;;
        ours) FLAGS=("-javaagent:$AGENT_JAR=host=127.0.0.1,port=$PORT_OURS") ;;
        jmx)  FLAGS=("-javaagent:$JMX_JAR=127.0.0.1:$PORT_JMX:$JMX_CONFIG") ;;
        jmxsmall) FLAGS=("-javaagent:$JMX_JAR=127.0.0.1:$PORT_JMXSMALL:$JMX_SMALL_CONFIG") ;;
    esac
}
port_of() { case $1 in ours) echo "$PORT_OURS" ;; jmx) echo "$PORT_JMX" ;; jmxsmall) echo "$PORT_JMXSMALL" ;; esac; }

record() {                                         # record JDK KEY VALUE: one raw sample
    if [[ $3 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; then
        echo "$3" >>"$RESULTS/$1.$2"
    else
        say "$1 $2: no number in '$3', sample dropped"
    fi
}
median() {                                         # median FILE: median of its numbers, or nan
    [[ -s $1 ]] || { echo nan; return; }
    sort -g "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
calc() {                                           # calc EXPR [DECIMALS]: arithmetic, nan-safe
    [[ $1 != *nan* ]] || { echo nan; return; }
    awk "BEGIN { printf \"%.${2:-1}f\", $1 }" 2>/dev/null || echo nan
}
kv() { awk -v k="$2" '$1 == k {print $2}' "$1"; }   # kv FILE KEY: value of a "key value" line
proc_cpu_ms() { awk -v hz="$HZ" '{sub(/^.*\) /, ""); print ($12 + $13) * 1000 / hz}' "/proc/$1/stat"; }
agent_threads_cpu() {                              # "tid ns" of each live thread named vdso-agent*
    local t
    for t in /proc/"$1"/task/*; do
        [[ $(cat "$t/comm" 2>/dev/null) == vdso-agent* ]] || continue
        echo "${t##*/} $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)"
    done
}
# thread_cpu_delta_ms BEFORE AFTER: CPU the threads spent between two agent_threads_cpu listings
# (threads that ended in between are missing: only the process total sees them).
thread_cpu_delta_ms() {
    awk 'NR == FNR { before[$1] = $2; next } { sum += $2 - before[$1] } END { printf "%.2f", sum / 1e6 }' \
        <(echo "$1") <(echo "$2")
}
wait_http() {                                      # wait_http URL SECONDS: until it answers 200
    local deadline=$((SECONDS + $2))
    until curl -fs -o /dev/null --max-time 2 "$1"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

source "$HERE/jmh.sh"
source "$HERE/render.sh"
if $RENDER_ONLY || $JMH_ONLY; then
    [[ -f $RESULTS/meta.sh ]] || die "no samples of an earlier run in $RESULTS"
    # shellcheck source=/dev/null
    source "$RESULTS/meta.sh"
    if $JMH_ONLY; then
        JMH=true
        say "clock-call JMH benchmark ($JMH_SCRIPT)"
        run_clock_call_jmh
    fi
    render >"$OUT"
    say "wrote $OUT from the samples of $STARTED"
    exit 0
fi

# ---------------------------------------------------------------- preparation
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: apt-get install -y $2"; }
need gcc gcc; need wrk wrk; need jq jq; need curl curl; need mvn maven

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
for port in "$PORT_OURS" "$PORT_JMX" "$PORT_JMXSMALL"; do
    port_free "$port" || die "port $port is in use here; set BENCH_PORT to the first of three free ports"
done

rm -rf "$RESULTS" "$CLASSES"
mkdir -p "$WORK/lib" "$CLASSES" "$RESULTS"
: >"$LOG"

if $BUILD; then
    say "building the agent jar (mvn -pl agent -am package -DskipTests)"
    (cd "$ROOT" && mvn -B -q -pl agent -am package -DskipTests) >>"$LOG" 2>&1 || die "agent build; see $LOG"
fi
[[ -f $AGENT_JAR ]] || die "no agent jar at $AGENT_JAR (build it, or set VDSO_AGENT_JAR)"

if [[ ! -f $JMX_JAR ]]; then
    say "fetching jmx_prometheus_javaagent 1.0.1 from Maven Central"
    mvn -B -q dependency:copy -Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:1.0.1 \
        -DoutputDirectory="$WORK/lib" >>"$LOG" 2>&1 || die "fetching jmx_exporter; see $LOG"
fi
# jmx_exporter's minimal configuration: every MBean attribute, default naming. The small one (scrape
# load only) keeps one MBean, so its scrape has about as many series as ours.
printf 'rules:\n  - pattern: ".*"\n' >"$JMX_CONFIG"
printf 'includeObjectNames: ["java.lang:type=Runtime"]\nrules:\n  - pattern: ".*"\n' >"$JMX_SMALL_CONFIG"

# The application and helpers, compiled now for Java 8 so every JDK under test runs them.
JAVAC_HOME=${BENCH_JDKS%% *}; JAVAC_HOME=${JAVAC_HOME#*=}
"$JAVAC_HOME/bin/javac" --release 8 -nowarn -d "$CLASSES" "$HERE"/src/java/*.java
printf 'Premain-Class: Stamp\n' >"$WORK/stamp.mf"
"$JAVAC_HOME/bin/jar" cfm "$WORK/stamp.jar" "$WORK/stamp.mf" -C "$CLASSES" Stamp.class
gcc -O2 -Wall -o "$WORK/clockref" "$HERE/src/clockref.c"

# ---------------------------------------------------------------- measurements (per JDK)
# Start-up wall time of the trivial main, variants alternating within each round.
measure_startup() {
    local jdk=$1 java=$2 r v t0 t1
    for ((r = 0; r < STARTUP_ROUNDS; r++)); do
        for v in "${VARIANTS[@]}"; do
            agent_flags "$v"
            t0=$EPOCHREALTIME
            "$java" "${FLAGS[@]}" -cp "$CLASSES" BenchMain >>"$LOG" 2>&1 || die "$jdk $v trivial main; see $LOG"
            t1=$EPOCHREALTIME
            record "$jdk" "startup_ms.$v" "$(calc "($t1 - $t0) * 1000" 1)"
        done
    done
}

# Premain as the JVM runs it: span between two Stamp agents around the agent under test.
measure_premain() {
    local jdk=$1 java=$2 r v out
    out=$WORK/premain.out
    for ((r = 0; r < PREMAIN_ROUNDS; r++)); do
        for v in "${VARIANTS[@]}"; do
            agent_flags "$v"
            rm -f "$out"
            "$java" "-javaagent:$WORK/stamp.jar=A" "${FLAGS[@]}" "-javaagent:$WORK/stamp.jar=B" \
                -Dbench.out="$out" -cp "$CLASSES" BenchMain >>"$LOG" 2>&1 || die "$jdk $v premain run; see $LOG"
            record "$jdk" "premain_span_ms.$v" "$(calc "$(kv "$out" premain_span_nanos) / 1e6" 2)"
        done
    done
}

# Launch -> first complete 200 from /metrics, polled every 5 ms. Our first answer also carries the
# agent's own premain measurement (gauge vdso_agent_premain_seconds).
measure_first_scrape() {
    local jdk=$1 java=$2 r v line body=$WORK/first-scrape.body
    for ((r = 0; r < SCRAPE_ROUNDS; r++)); do
        for v in ours jmx; do
            agent_flags "$v"
            rm -f "$body"
            line=$("$java" -Dbench.body="$body" -cp "$CLASSES" FirstScrape "http://127.0.0.1:$(port_of "$v")/metrics" \
                "$FIRST_SCRAPE_TIMEOUT_MS" "$LOG" "$java" "${FLAGS[@]}" -Dbench.sleepMillis=60000 \
                -cp "$CLASSES" BenchMain) || die "$jdk $v first scrape; see $LOG"
            record "$jdk" "first_scrape_ms.$v" "${line#first_scrape_ms }"
            if [[ $v == ours ]]; then
                record "$jdk" "premain_self_ms.ours" \
                    "$(calc "$(awk '$1 == "vdso_agent_premain_seconds" {print $2}' "$body") * 1000" 2)"
            fi
        done
    done
}

# Peak RSS (VmHWM) and heap after a full GC, read by the main itself at exit after it has lived
# MEM_SLEEP_MS and (with an agent) fetched /metrics once.
measure_memory() {
    local jdk=$1 java=$2 r v out scrape
    out=$WORK/memory.out
    for ((r = 0; r < MEM_ROUNDS; r++)); do
        for v in "${VARIANTS[@]}"; do
            agent_flags "$v"
            scrape=()
            [[ $v == none ]] || scrape=("-Dbench.scrape=http://127.0.0.1:$(port_of "$v")/metrics")
            rm -f "$out"
            "$java" "${FLAGS[@]}" "${scrape[@]}" -Dbench.sleepMillis=$MEM_SLEEP_MS -Dbench.out="$out" \
                -cp "$CLASSES" BenchMain >>"$LOG" 2>&1 || die "$jdk $v memory run; see $LOG"
            record "$jdk" "rss_mib.$v" "$(calc "$(kv "$out" vm_hwm_kib) / 1024" 1)"
            record "$jdk" "heap_mib.$v" "$(calc "$(kv "$out" heap_after_gc_bytes) / 1048576" 2)"
            record "$jdk" "nonheap_mib.$v" "$(calc "$(kv "$out" nonheap_bytes) / 1048576" 2)"
        done
    done
}

# wrk_case JDK VARIANT CLIENTS: /metrics latency percentiles and throughput on loopback.
wrk_case() {
    local jdk=$1 v=$2 clients=$3 threads out
    threads=$((clients < 2 ? 1 : 2))
    out=$RESULTS/$jdk.wrk.$v.c$clients.txt
    wrk -t"$threads" -c"$clients" -d"${LOAD_SECONDS}s" --latency \
        "http://127.0.0.1:$(port_of "$v")/metrics" >"$out" 2>&1 || die "wrk $jdk $v c$clients; see $out"
    # wrk prints e.g. "     99%    1.23ms"; convert us/ms/s to ms.
    local to_ms='function ms(s) { if (s ~ /us$/) return s / 1000; if (s ~ /ms$/) return s + 0; if (s ~ /s$/) return s * 1000; return s }'
    record "$jdk" "p50_ms.$v.c$clients" "$(awk "$to_ms"' $1 == "50%" {print ms($2)}' "$out")"
    record "$jdk" "p99_ms.$v.c$clients" "$(awk "$to_ms"' $1 == "99%" {print ms($2)}' "$out")"
    record "$jdk" "rps.$v.c$clients" "$(awk '$1 == "Requests/sec:" {print $2}' "$out")"
    record "$jdk" "errors.$v.c$clients" "$(awk '/Non-2xx|Socket errors/ {n++} END {print n + 0}' "$out")"
}

# One set of long-lived JVMs (none, ours, jmx side by side): first the idle window (steady-state
# background CPU, the same wall window for all three so machine load hits them alike), then the
# probe cost from /report, then the scrape load on ours and jmx_exporter.
measure_running() {
    local jdk=$1 java=$2 v lifetime_ms thr0 c
    local -A PID CPU0
    lifetime_ms=$(( (IDLE_SETTLE_SECONDS + IDLE_WINDOW_SECONDS + 12 * LOAD_SECONDS + 120) * 1000 ))
    for v in "${VARIANTS[@]}" jmxsmall; do
        agent_flags "$v"
        "$java" "${FLAGS[@]}" -Dbench.sleepMillis=$lifetime_ms -cp "$CLASSES" BenchMain >>"$LOG" 2>&1 &
        PID[$v]=$!
    done
    wait_http "http://127.0.0.1:$PORT_OURS/metrics" 60 || die "$jdk: our /metrics never answered; see $LOG"
    wait_http "http://127.0.0.1:$PORT_JMX/metrics" 60 || die "$jdk: jmx_exporter /metrics never answered; see $LOG"
    wait_http "http://127.0.0.1:$PORT_JMXSMALL/metrics" 60 || die "$jdk: small jmx_exporter never answered; see $LOG"
    curl -fs "http://127.0.0.1:$PORT_OURS/report" >"$RESULTS/$jdk.report.first.json" \
        || die "$jdk: /report did not answer"
    say "$jdk: idle window ${IDLE_SETTLE_SECONDS}s settle + ${IDLE_WINDOW_SECONDS}s measured"
    sleep "$IDLE_SETTLE_SECONDS"
    for v in "${VARIANTS[@]}"; do CPU0[$v]=$(proc_cpu_ms "${PID[$v]}"); done
    thr0=$(agent_threads_cpu "${PID[ours]}")
    sleep "$IDLE_WINDOW_SECONDS"
    for v in "${VARIANTS[@]}"; do
        record "$jdk" "idle_cpu_ms_per_min.$v" \
            "$(calc "($(proc_cpu_ms "${PID[$v]}") - ${CPU0[$v]}) * 60 / $IDLE_WINDOW_SECONDS" 1)"
    done
    record "$jdk" "agent_threads_cpu_ms_per_min.ours" \
        "$(calc "$(thread_cpu_delta_ms "$thr0" "$(agent_threads_cpu "${PID[ours]}")") * 60 / $IDLE_WINDOW_SECONDS" 2)"
    curl -fs "http://127.0.0.1:$PORT_OURS/report" >"$RESULTS/$jdk.report.last.json" \
        || die "$jdk: /report did not answer"

    # Series counts: sample lines of one scrape (comments excluded), and the body size.
    for v in ours jmx jmxsmall; do
        curl -fs "http://127.0.0.1:$(port_of "$v")/metrics" >"$RESULTS/$jdk.scrape.$v.txt"
        record "$jdk" "series.$v" "$(grep -cv '^#' "$RESULTS/$jdk.scrape.$v.txt")"
        record "$jdk" "scrape_bytes.$v" "$(wc -c <"$RESULTS/$jdk.scrape.$v.txt")"
    done
    say "$jdk: scrape load, ${LOAD_SECONDS}s per case"
    for v in ours jmx jmxsmall; do   # warm-up: JIT the scrape path of both before timing it
        wrk -t1 -c1 -d"$(( LOAD_SECONDS < 5 ? LOAD_SECONDS : 5 ))s" "http://127.0.0.1:$(port_of "$v")/metrics" >/dev/null 2>&1
    done
    for c in 1 50; do
        for v in ours jmx jmxsmall; do wrk_case "$jdk" "$v" "$c"; done
    done
    for v in "${VARIANTS[@]}" jmxsmall; do stop "${PID[$v]}"; done
}

# The agent's own per-call costs for CLOCK_MONOTONIC (CLI report --json) against the C loop,
# alternating so both see the same machine.
measure_accuracy() {
    local jdk=$1 java=$2 r json
    for ((r = 0; r < ACC_ROUNDS; r++)); do
        "$WORK/clockref" >"$WORK/clockref.out"
        record "$jdk" "c_vdso_ns" "$(kv "$WORK/clockref.out" vdso_ns)"
        record "$jdk" "c_syscall_ns" "$(kv "$WORK/clockref.out" syscall_ns)"
        json=$("$java" -jar "$AGENT_JAR" report --json 2>>"$LOG") || die "$jdk: report --json failed; see $LOG"
        echo "$json" >"$RESULTS/$jdk.cli-report.$r.json"
        record "$jdk" "agent_vdso_ns" "$(jq -r '.clocks[] | select(.clock == "monotonic") | .vdsoNanos' <<<"$json")"
        record "$jdk" "agent_syscall_ns" "$(jq -r '.clocks[] | select(.clock == "monotonic") | .syscallNanos' <<<"$json")"
    done
}

# ---------------------------------------------------------------- run
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +'%Y-%m-%d %H:%M UTC')
JDK_NAMES=()
for pair in $BENCH_JDKS; do
    jdk=${pair%%=*} java=${pair#*=}/bin/java
    [[ -x $java ]] || die "no java at $java"
    JDK_NAMES+=("$jdk")
    "$java" -XshowSettings:properties -version 2>&1 \
        | awk -F' = ' '$1 ~ /java.runtime.version$/ {v = $2} $1 ~ /java.vm.vendor$/ {n = $2} END {print v " (" n ")"}' \
        >"$RESULTS/$jdk.version"
    say "JDK $jdk: start-up ($STARTUP_ROUNDS rounds)";   measure_startup "$jdk" "$java"
    say "JDK $jdk: premain ($PREMAIN_ROUNDS rounds)";    measure_premain "$jdk" "$java"
    say "JDK $jdk: first scrape ($SCRAPE_ROUNDS rounds)"; measure_first_scrape "$jdk" "$java"
    say "JDK $jdk: memory ($MEM_ROUNDS rounds)";         measure_memory "$jdk" "$java"
    say "JDK $jdk: accuracy ($ACC_ROUNDS rounds)";       measure_accuracy "$jdk" "$java"
    measure_running "$jdk" "$java"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

if $JMH; then
    say "clock-call JMH benchmark ($JMH_SCRIPT)"
    run_clock_call_jmh
fi
# What --render-only needs to rewrite the markdown later from the same samples.
declare -p STARTED LOAD_BEFORE LOAD_AFTER COMMAND_LINE JDK_NAMES QUICK JMH STARTUP_ROUNDS PREMAIN_ROUNDS \
    SCRAPE_ROUNDS MEM_ROUNDS ACC_ROUNDS LOAD_SECONDS IDLE_WINDOW_SECONDS >"$RESULTS/meta.sh"
render >"$OUT"
say "wrote $OUT"
