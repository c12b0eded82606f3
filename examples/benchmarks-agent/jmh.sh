# The clock-call instrumentation figure comes from the JMH benchmark of examples/benchmarks (that
# module and its script belong to the instrumentation work; this only runs it and reads its table).
# Sourced by run.sh. run_clock_call_jmh leaves the script's full output in $WORK/jmh.out;
# jmh_section prints the markdown for BENCHMARKS.md, jmh_goal_cell JDK the goal cell of one JDK.

JMH_SCRIPT=examples/benchmarks/run-instrumentation.sh

run_clock_call_jmh() {
    if [[ ! -x $ROOT/$JMH_SCRIPT ]]; then
        echo "$JMH_SCRIPT is not on this branch" >"$WORK/jmh.out"
        return 0
    fi
    local try
    for try in 1 2 3 4 5 6; do
        rm -f "$ROOT"/examples/benchmarks/target/results/*.log   # so a lock message below is this try's
        "$ROOT/$JMH_SCRIPT" >"$WORK/jmh.out" 2>&1 && return 0
        # JMH allows one instance per machine (/tmp/jmh.lock): wait for another user's run to end.
        grep -qs "Unable to acquire the JMH lock" "$ROOT"/examples/benchmarks/target/results/*.log || break
        say "another JMH run holds /tmp/jmh.lock; retrying in 60 s ($try/6)"
        sleep 60
    done
    say "$JMH_SCRIPT failed; see $WORK/jmh.out and examples/benchmarks/target/results/"
}

# jmh_ratio JDK BENCH THREADS: the "vs bare" ratio of one row of RatioTable's table, or nan.
# Columns: | benchmark | threads | 17 ns/call | 17 vs bare | 25 ns/call | 25 vs bare |
jmh_ratio() {
    if ! $JMH || [[ ! -s $WORK/jmh.out ]]; then echo nan; return; fi   # never an older run's table
    awk -F'|' -v jdk="jdk$1" -v bench="$2" -v threads="$3" '
        $2 ~ /benchmark/ { for (i = 4; i <= NF; i++) if ($i ~ jdk " +vs bare") col = i }
        { b = $2; t = $3; gsub(/ /, "", b); gsub(/ /, "", t) }
        b == bench && t == threads && col { r = $col; gsub(/[ x]/, "", r); print r; found = 1; exit }
        END { if (!found) print "nan" }' "$WORK/jmh.out"
}

# jmh_goal_cell JDK MODE: the worst ratio of MODE (Exact, Approximate, Redirect) over both clocks
# and both thread counts, judged against the 1.05x goal.
jmh_goal_cell() {
    local j=$1 mode=$2 worst=nan r b t
    for b in "nanoTime$mode" "currentTimeMillis$mode"; do
        for t in 1 2; do
            r=$(jmh_ratio "$j" "$b" "$t")
            [[ $r != nan ]] || continue
            if [[ $worst == nan ]] || awk "BEGIN { exit !($r > $worst) }"; then worst=$r; fi
        done
    done
    echo "worst ${worst}x $(verdict "$worst <= 1.05")"
}

jmh_section() {
    if ! $JMH; then
        echo "Not run (--no-jmh)."
    elif ! grep -q '^| *benchmark' "$WORK/jmh.out" 2>/dev/null; then
        echo "Not measured: $(tail -3 "$WORK/jmh.out" 2>/dev/null | tr '\n' ' ')"
    else
        echo "From \`$JMH_SCRIPT\` (JMH, hot loop of 1000 calls per sample, median per call), run by this"
        echo "command after the figures above: bare = plain call, redirect = call site rewritten to a"
        echo "recorder that does nothing else, exact = count-mode=exact (default), approximate = count-mode=approximate."
        echo
        grep '^|' "$WORK/jmh.out"
        echo
        grep -E '^(load|count loss|.*threads=.*lost=)' "$WORK/jmh.out" | sed 's/^/    /'
    fi
}
