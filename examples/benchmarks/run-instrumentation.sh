#!/usr/bin/env bash
# Cost of counting the application's clock calls: System.nanoTime() and currentTimeMillis() bare,
# redirected (rewrite only), counted exactly (count-mode=exact) and approximately (count-mode=approximate),
# with 1 and 2 threads, on JDK 17 and Temurin 25, printed side by side as ratios to the bare call.
# Then the count loss of approximate mode (exact mode as control).
#
#   examples/benchmarks/run-instrumentation.sh            # modest run, ~9 min
#   JMH_OPTS="-wi 5 -i 10 -f 2" examples/benchmarks/run-instrumentation.sh   # longer, steadier
#
# The machine should be quiet: ratios from a loaded machine are noise (check `uptime` first).
set -euo pipefail
cd "$(dirname "$0")/../.."

JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JMH_OPTS=${JMH_OPTS:-"-wi 2 -i 4 -f 2 -w 1s -r 1s"}
OUT=examples/benchmarks/target/results
JAR=examples/benchmarks/target/benchmarks.jar

mvn -B -q -pl examples/benchmarks -am package -DskipTests
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
tables=()
for jdk in 17 25; do
  java_home_var=JDK$jdk
  java="${!java_home_var}/bin/java"
  "$java" -version 2>&1 | head -1
  for threads in 1 2; do
    # shellcheck disable=SC2086
    "$java" -jar "$JAR" ClockCallBenchmark -t "$threads" $JMH_OPTS \
      -rf csv -rff "$OUT/jdk$jdk-t$threads.csv" > "$OUT/jdk$jdk-t$threads.log" 2>&1
    cat "$OUT/jdk$jdk-t$threads.csv" >> "$OUT/jdk$jdk.csv.tmp"
  done
  mv "$OUT/jdk$jdk.csv.tmp" "$OUT/jdk$jdk.csv"
  tables+=("jdk$jdk=$OUT/jdk$jdk.csv")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$JDK17/bin/java" -cp "$JAR" io.vdsoagent.examples.benchmarks.RatioTable "${tables[@]}"
echo
for jdk in 17 25; do
  java_home_var=JDK$jdk
  echo "count loss, JDK $jdk:"
  "${!java_home_var}/bin/java" -cp "$JAR" io.vdsoagent.examples.benchmarks.ApproximateCountError 20000000
done
