# The clock-call instrumentation figure comes from the JMH benchmark in examples/benchmarks (owned
# by that module). Sourced by run.sh; run_clock_call_jmh prints a markdown fragment, or a reason
# and status 1 when the benchmark is not there.
run_clock_call_jmh() {
    local dir=$ROOT/examples/benchmarks
    if [[ ! -d $dir ]]; then
        echo "examples/benchmarks (the JMH module) is not on this branch"
        return 1
    fi
    echo "examples/benchmarks exists but no runner is wired in yet"
    return 1
}
