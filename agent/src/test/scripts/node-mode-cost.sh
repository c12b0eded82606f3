#!/bin/bash
# Node mode's cost at the default interval (60s): RSS and CPU of `serve` over DURATION seconds after a 30 s
# start, scraped every 30 s like the PodMonitor's default; prints per variant, extrapolates CPU to an hour.
# Three variants side by side: JDK 17 default flags, JDK 17 and Temurin 25 with the DaemonSet's flags.
# Usage (from the repository root, after `mvn -B -q -pl agent -am package -DskipTests`; needs curl, bc):
#   DURATION=360 bash agent/src/test/scripts/node-mode-cost.sh
set -u
DURATION=${DURATION:-360}
JAR=${JAR:-$PWD/agent/target/vdso-agent.jar}
T25=${T25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
SMALL="-XX:+UseSerialGC -Xmx32m -XX:TieredStopAtLevel=1"
VARIANTS=(jdk17-default jdk17-daemonset jdk25-daemonset)
declare -A CMD PID PORT
CMD[jdk17-default]="java -jar $JAR serve host=127.0.0.1 port=19601"; PORT[jdk17-default]=19601
CMD[jdk17-daemonset]="java $SMALL -jar $JAR serve host=127.0.0.1 port=19602"; PORT[jdk17-daemonset]=19602
CMD[jdk25-daemonset]="$T25 $SMALL -jar $JAR serve host=127.0.0.1 port=19603"; PORT[jdk25-daemonset]=19603
LOGS=$(mktemp -d)
for v in "${VARIANTS[@]}"; do ${CMD[$v]} > "$LOGS/$v.log" 2>&1 & PID[$v]=$!; done
TCK=$(getconf CLK_TCK)
cpu() { awk -v t="$TCK" '{print ($14+$15)/t}' "/proc/$1/stat"; }
status() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
sleep 30
declare -A C0
for v in "${VARIANTS[@]}"; do
  C0[$v]=$(cpu "${PID[$v]}")
  echo "$v: start-up cpu_s=${C0[$v]} rss_kb=$(status "${PID[$v]}" VmRSS)"
done
t=0
while [ $t -lt "$DURATION" ]; do
  for v in "${VARIANTS[@]}"; do curl -s "127.0.0.1:${PORT[$v]}/metrics" > /dev/null; done
  sleep 30; t=$((t + 30))
done
for v in "${VARIANTS[@]}"; do
  c1=$(cpu "${PID[$v]}")
  echo "$v: rss_kb=$(status "${PID[$v]}" VmRSS) peak_kb=$(status "${PID[$v]}" VmHWM) cpu_s_in_${DURATION}s=$(echo "$c1 - ${C0[$v]}" | bc -l) cpu_s_per_hour=$(echo "($c1 - ${C0[$v]}) * 3600 / $DURATION" | bc -l)"
  kill "${PID[$v]}"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); logs in $LOGS"
