#!/usr/bin/env bash
# CPU seconds (user+sys, /usr/bin/time) of a trivial app (agentit.SleepyApp, 1.5 s) with the OpenTelemetry
# Java agent alone and with the OpenTelemetry agent plus vdso-agent (default settings), alternating.
# Issue #18 measured 25.8 s (both) vs 9.2 s (OpenTelemetry alone) with the old retransforming install.
#   examples/benchmarks/real-apps/otel-cpu.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../../.."
OTEL=${OTEL:-$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/2.33.1/opentelemetry-javaagent-2.33.1.jar}
OURS=agent/target/vdso-agent.jar
JAVA=${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
OFF="-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "${1:-3}"); do
  for variant in otel both; do
    extra=""
    [ "$variant" = both ] && extra="-javaagent:$OURS=host=127.0.0.1,port=0"
    # shellcheck disable=SC2086
    /usr/bin/time -f "$variant round $round: cpu %U+%S s, wall %e s" "$JAVA" -javaagent:"$OTEL" $extra $OFF \
      -cp agent/target/test-classes agentit.SleepyApp 1500 0 2>&1 >/dev/null | grep "round"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
