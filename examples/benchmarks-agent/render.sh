# Renders BENCHMARKS.md from the raw samples of one run (sourced by run.sh; uses its variables:
# RESULTS, JDK_NAMES, COMMAND_LINE, QUICK, the round counts, LOAD_BEFORE/AFTER, JMH_SECTION).
# Every figure is a median of the samples in $RESULTS; every goal is judged on figures of the
# same run, so machine load shifts both sides of a ratio alike.

m() { median "$RESULTS/$1.$2"; }                  # m JDK KEY: median of the raw samples
json_num() {                                      # json_num FILE JQ-PATH: a number or nan
    [[ -s $1 ]] || { echo nan; return; }
    jq -r "($2) // \"nan\" | tostring" "$1" 2>/dev/null || echo nan
}

# verdict EXPR: "met" / "not met" for an awk condition over numbers; "not measured" if any is nan.
verdict() {
    awk "BEGIN { if (\"$*\" ~ /nan/) { print \"not measured\"; exit }
                 print ($*) ? \"**met**\" : \"**not met**\" }"
}

# Goal cells, one per JDK, each "figures = ratio verdict".
goal_startup() {
    local j=$1 none ours jmx a b
    none=$(m "$j" startup_ms.none) ours=$(m "$j" startup_ms.ours) jmx=$(m "$j" startup_ms.jmx)
    a=$(calc "$ours - $none" 0) b=$(calc "$jmx - $none" 0)
    echo "+$a ms vs +$b ms = $(calc "$a / $b" 2)x $(verdict "$a <= $b / 4")"
}
goal_first_scrape() {
    local j=$1 ours jmx
    ours=$(m "$j" first_scrape_ms.ours) jmx=$(m "$j" first_scrape_ms.jmx)
    echo "$(calc "$ours" 0) ms vs $(calc "$jmx" 0) ms = $(calc "$ours / $jmx" 2)x $(verdict "$ours <= $jmx / 2")"
}
goal_premain() {
    local j=$1 ours
    ours=$(calc "$(m "$j" premain_span_ms.ours) - $(m "$j" premain_span_ms.none)" 1)
    echo "$ours ms (agent's own gauge: $(calc "$(m "$j" premain_self_ms.ours)" 1) ms) $(verdict "$ours <= 20")"
}
goal_rss() {
    local j=$1 none ours jmx a b
    none=$(m "$j" rss_mib.none) ours=$(m "$j" rss_mib.ours) jmx=$(m "$j" rss_mib.jmx)
    a=$(calc "$ours - $none" 1) b=$(calc "$jmx - $none" 1)
    echo "+$a MiB vs +$b MiB = $(calc "$a / $b" 2)x $(verdict "$a <= $b / 2")"
}
goal_probe_cycle() {
    local j=$1 cpu which="re-probe"
    cpu=$(calc "$(json_num "$RESULTS/$j.report.last.json" .probe.cpuNanos) / 1e6" 1)
    if [[ $(jq -r .takenAt "$RESULTS/$j.report.first.json" 2>/dev/null) == \
          $(jq -r .takenAt "$RESULTS/$j.report.last.json" 2>/dev/null) ]]; then
        which="first probe, cold; no re-probe happened in the window"
    fi
    echo "$cpu ms CPU ($which) $(verdict "$cpu <= 5")"
}
goal_background() {
    local j=$1 ms
    ms=$(calc "$(m "$j" idle_cpu_ms_per_min.ours) - $(m "$j" idle_cpu_ms_per_min.none)" 1)
    echo "$ms ms/min = $(calc "$ms / 60000 * 100" 3) % $(verdict "$ms / 60000 * 100 <= 0.1")"
}
goal_p99() {
    local j=$1 c1 c50
    c1=$(m "$j" p99_ms.ours.c1) c50=$(m "$j" p99_ms.ours.c50)
    echo "$c1 ms (1 client) $(verdict "$c1 <= 2"), $c50 ms (50) $(verdict "$c50 <= 2")"
}
goal_accuracy() {
    local j=$1 kind=$2 agent c
    agent=$(m "$j" "agent_${kind}_ns") c=$(m "$j" "c_${kind}_ns")
    echo "$(calc "$agent" 1) vs $(calc "$c" 1) ns = $(calc "($agent / $c - 1) * 100" 0) % \
$(verdict "$agent / $c - 1 <= 0.2 && $agent / $c - 1 >= -0.2")"
}

# row LABEL GOAL FUNCTION: one summary row with a cell per JDK.
row() {
    local fn=$3 j line="| $1 | $2 |"
    shift 3
    for j in "${JDK_NAMES[@]}"; do line+=" $("$fn" "$j" "$@") |"; done
    echo "$line"
}
header() {
    local j line="| $1 |" sep="|---|---|"
    shift
    for j in "$@"; do line+=" $j |"; sep+="---|"; done
    printf '%s\n%s\n' "$line" "$sep"
}

mr() { calc "$(m "$1" "$2")" "${3:-1}"; }           # mr JDK KEY [DECIMALS]: rounded median

threads_cell() {                                   # older runs summed threads that could end: < 0
    local v
    v=$(mr "$1" agent_threads_cpu_ms_per_min.ours)
    if [[ $v == -* ]]; then echo "n/a (a thread ended in the window)"; else echo "$v ms"; fi
}
scrape_size() { echo "$(m "$1" "series.$2") / $(m "$1" "scrape_bytes.$2")"; }
load_cell() {                                     # load_cell JDK VARIANT CLIENTS
    local j=$1 v=$2 c=$3
    echo "$(mr "$j" "p50_ms.$v.c$c" 2) / $(mr "$j" "p99_ms.$v.c$c" 2) ms / $(mr "$j" "rps.$v.c$c" 0) ($(m "$j" "errors.$v.c$c"))"
}

# detail JDK LABEL KEY UNIT [DECIMALS]: one row with none / ours / jmx_exporter medians of KEY.<variant>.
detail() {
    local j=$1 label=$2 key=$3 unit=$4 d=${5:-1}
    echo "| $j | $label | $(mr "$j" "$key.none" "$d")$unit | $(mr "$j" "$key.ours" "$d")$unit | $(mr "$j" "$key.jmx" "$d")$unit |"
}

machine() {
    local cpu cs
    cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
    cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)
    echo "$cpu, $(nproc) cores, kernel $(uname -r), clocksource $cs"
}

# Notes that follow from this run's own numbers (printed only when the condition holds).
observations() {
    local j p50 load
    load=${LOAD_BEFORE%% *}
    if awk "BEGIN { exit !($load > $(nproc)) }"; then
        echo "- The machine was busy during this run (load $LOAD_BEFORE at start on $(nproc) cores): CPU contention"
        echo "  inflates tail latencies (p99), first-scrape times and start-up; ratios of the same run less so."
    fi
    for j in "${JDK_NAMES[@]}"; do
        p50=$(m "$j" p50_ms.ours.c1)
        if [[ $p50 != nan ]] && awk "BEGIN { exit !($p50 >= 30) }"; then
            echo "- JDK $j: one keep-alive client waits ~40 ms per /metrics answer (p50 $p50 ms). The JDK's built-in"
            echo "  HttpServer writes the headers and the body as separate TCP segments without TCP_NODELAY, and the"
            echo "  client's delayed ACK holds the second one. Setting sun.net.httpserver.nodelay=true removes the stall;"
            echo "  it is JVM-wide (it also changes the application's own HttpServer), so an agent should not set it"
            echo "  silently. Prometheus scrapes over keep-alive connections, so its scrape duration shows this."
        fi
    done
}

render() {
    local j jdk_cols=()
    for j in "${JDK_NAMES[@]}"; do jdk_cols+=("JDK $(cat "$RESULTS/$j.version")"); done
    cat <<EOF
# Benchmarks

What vdso-agent costs a JVM, measured beside no agent and beside the agent most fleets already run
(the Prometheus jmx_exporter 1.0.1 Java agent, from Maven Central), on each JDK, in one run.
Generated by \`$COMMAND_LINE\` on $STARTED$($QUICK && echo ' (**--quick**: fewer rounds, shorter windows, rougher figures)').

- Machine: $(machine); load average (1/5/15 min) $LOAD_BEFORE at start, $LOAD_AFTER at the end.
  The machine may be shared: absolute times drift between runs, so every goal is a ratio or a bound
  judged on figures of this same run, with the variants alternating round by round.
- jmx_exporter: \`-javaagent:jmx_prometheus_javaagent-1.0.1.jar=127.0.0.1:PORT:config.yaml\` with
  \`rules: [{pattern: ".*"}]\`. Ours: \`-javaagent:vdso-agent.jar=host=127.0.0.1,port=PORT\`, all else default.
- Reproduce: \`examples/benchmarks-agent/run.sh\` (full: ~15 min plus ~9 min of JMH on 2 cores) or \`--quick\`;
  raw samples in \`examples/benchmarks-agent/work/results/\`. Nothing here is a timed unit test.

## Goals

$(header "Figure | Goal" "${jdk_cols[@]}")
$(row "Added start-up wall time of a trivial main, ours vs jmx_exporter" "ours <= 1/4 of theirs" goal_startup)
$(row "premain of ours, as the JVM runs it" "<= 20 ms" goal_premain)
$(row "Launch to first /metrics 200, ours vs jmx_exporter" "ours <= 1/2 of theirs" goal_first_scrape)
$(row "Added peak RSS, ours vs jmx_exporter" "ours <= 1/2 of theirs" goal_rss)
$(row "CPU of one full probe cycle (periodic re-probe)" "<= 5 ms" goal_probe_cycle)
$(row "Steady-state background CPU at the default interval" "<= 0.1 % of one core" goal_background)
$(row "/metrics p99 latency, ours" "<= 2 ms" goal_p99)
$(row "Clock-call instrumentation (JMH), count-mode=exact (default) vs bare, per call" "<= 1.05x" jmh_goal_cell Exact)
$(row "Clock-call instrumentation (JMH), count-mode=approximate vs bare, per call" "<= 1.05x" jmh_goal_cell Approximate)
$(row "Clock-call instrumentation (JMH), call-site redirect alone vs bare" "1.00x (<= 1.05x)" jmh_goal_cell Redirect)
$(row "CLOCK_MONOTONIC vDSO cost: agent vs C loop" "within +-20 %" goal_accuracy vdso)
$(row "CLOCK_MONOTONIC syscall cost: agent vs C loop" "within +-20 %" goal_accuracy syscall)

$(observations)

## Clock-call instrumentation (JMH)

$(jmh_section)

## Details

Medians; none / ours / jmx_exporter side by side.

| JDK | Figure | none | ours | jmx_exporter |
|---|---|---|---|---|
$(for j in "${JDK_NAMES[@]}"; do
    detail "$j" "start-up wall time, trivial main ($STARTUP_ROUNDS rounds)" startup_ms " ms"
    detail "$j" "premain span between two stamp agents ($PREMAIN_ROUNDS rounds)" premain_span_ms " ms" 2
    echo "| $j | agent's own premain gauge (vdso_agent_premain_seconds) | - | $(mr "$j" premain_self_ms.ours 2) ms | - |"
    echo "| $j | launch -> first /metrics 200 ($SCRAPE_ROUNDS rounds) | - | $(mr "$j" first_scrape_ms.ours 0) ms | $(mr "$j" first_scrape_ms.jmx 0) ms |"
    detail "$j" "peak RSS (VmHWM) after ${MEM_SLEEP_MS} ms and one scrape ($MEM_ROUNDS rounds)" rss_mib " MiB"
    detail "$j" "heap used after System.gc()" heap_mib " MiB" 2
    detail "$j" "non-heap used (metaspace, code cache)" nonheap_mib " MiB" 2
    detail "$j" "process CPU while idle, per minute (${IDLE_WINDOW_SECONDS} s window)" idle_cpu_ms_per_min " ms"
    echo "| $j | CPU of our vdso-agent* threads alive at both ends of the window, per minute | - | $(threads_cell "$j") | - |"
    echo "| $j | first probe (cold JIT): wall / CPU | - | $(calc "$(json_num "$RESULTS/$j.report.first.json" .probe.wallNanos) / 1e6" 1) / $(calc "$(json_num "$RESULTS/$j.report.first.json" .probe.cpuNanos) / 1e6" 1) ms | - |"
    echo "| $j | latest probe at the end of the window: wall / CPU | - | $(calc "$(json_num "$RESULTS/$j.report.last.json" .probe.wallNanos) / 1e6" 1) / $(calc "$(json_num "$RESULTS/$j.report.last.json" .probe.cpuNanos) / 1e6" 1) ms | - |"
    echo "| $j | CLOCK_MONOTONIC per call, vDSO / syscall: C loop | $(mr "$j" c_vdso_ns) / $(mr "$j" c_syscall_ns) ns | - | - |"
    echo "| $j | CLOCK_MONOTONIC per call, vDSO / syscall: agent (report --json) | - | $(mr "$j" agent_vdso_ns) / $(mr "$j" agent_syscall_ns) ns | - |"
done)

## Scrape load

\`wrk --latency\` against \`/metrics\` on loopback, ${LOAD_SECONDS} s per case after a warm-up; p50 / p99 / requests per second
(socket errors or non-2xx answers in brackets). jmx_exporter runs twice: with the \`.*\` configuration above
(every MBean attribute) and with \`includeObjectNames: ["java.lang:type=Runtime"]\`, whose scrape has about
as many series as ours (mostly its built-in jvm_* metrics).

| JDK | Case | ours | jmx_exporter, \`.*\` | jmx_exporter, one MBean |
|---|---|---|---|---|
$(for j in "${JDK_NAMES[@]}"; do
    echo "| $j | series (sample lines) / bytes per scrape | $(scrape_size "$j" ours) | $(scrape_size "$j" jmx) | $(scrape_size "$j" jmxsmall) |"
    for c in 1 50; do
        echo "| $j | $c client(s) | $(load_cell "$j" ours "$c") | $(load_cell "$j" jmx "$c") | $(load_cell "$j" jmxsmall "$c") |"
    done
done)

## How each figure is taken

- **Start-up**: wall time around \`java [agent] -cp classes BenchMain\`, a main that returns at once
  (compiled at run time from \`src/java/BenchMain.java\`); none, ours and jmx_exporter alternate
  within each round. "Added" = variant median - none median.
- **premain**: a do-nothing agent (\`src/java/Stamp.java\`) records \`System.nanoTime()\` in its premain
  before and after the agent under test; premain span of ours minus the span with nothing between
  the stamps. It covers what the JVM runs on the main thread before \`main\`: our premain, not the
  background thread it starts.
- **First scrape**: \`src/java/FirstScrape.java\` spawns the JVM and polls \`/metrics\` every 5 ms until a
  complete 200 answer.
- **Memory**: the main lives ${MEM_SLEEP_MS} ms (agents start, probe, serve one \`/metrics\` request), then
  reads VmHWM from /proc/self/status and heap used after \`System.gc()\` (MemoryMXBean).
- **Probe cost**: \`probe.cpuNanos\` of the agent's own \`/report\` (CPU of the probing thread plus the
  short-lived probe threads it starts). Background CPU: utime+stime of the whole process
  (/proc/PID/stat, so exited probe threads count) over the same idle window for a JVM with no agent,
  one with ours and one with jmx_exporter running side by side; ours minus none.
- **Scrape**: \`wrk\` with 1 client (1 thread) and 50 clients (2 threads) on the long-lived JVMs after the
  idle window; see the scrape load section for the series counts.
- **Accuracy**: \`java -jar vdso-agent.jar report --json\` (\`clocks[monotonic].vdsoNanos/syscallNanos\`,
  FFI baseline already subtracted by the agent) alternating with \`src/clockref.c\` (gcc -O2; median of
  11 interleaved batches of libc \`clock_gettime\` and \`syscall(SYS_clock_gettime)\`).
EOF
}
