#!/usr/bin/env bash
# Runtime clocksource switch under a running agent (run as root in a guest started on tsc):
# start a JVM with the agent, switch current_clocksource to hpet, wait until the agent's /metrics
# show the change, switch back to tsc, wait again. Prints each final scrape in "== metrics-<step>"
# sections and the time each flip took; the e2e test judges them.
# Usage: runtime-switch.sh <java> <vdso-agent.jar> <classpath with io.vdsoagent.examples.lab.Idle> [poll]
set -uo pipefail
JAVA=${1:?usage: runtime-switch.sh <java> <agent jar> <classpath> [poll]}
JAR=${2:?}
CP=${3:?}
POLL=${4:-1s}
PORT=9419
CS=/sys/devices/system/clocksource/clocksource0/current_clocksource
URL=http://127.0.0.1:$PORT/metrics
# How long a flip may take: the poll period plus a re-probe, which costs seconds under emulation.
WAIT_S=90

"$JAVA" "-javaagent:$JAR=host=127.0.0.1,port=$PORT,clocksource-poll=$POLL,interval=1h" -cp "$CP" \
  io.vdsoagent.examples.lab.Idle 600 >/tmp/idle.out 2>&1 &
JVM=$!
trap 'kill $JVM 2>/dev/null' EXIT

scrape() { wget -q -T 5 -O - "$URL" 2>/dev/null; }
sample() { # sample <metric regex>: value of the first matching line
  scrape | grep -E "^$1" | head -n 1 | awk '{ print $2 }'
}

# wait_for <changes> <monotonic fallback 0|1>: until the counter and the verdict both say so.
wait_for() {
  local deadline=$(( $(date +%s) + WAIT_S )) start=$(date +%s%N) changes fallback
  while [ "$(date +%s)" -lt "$deadline" ]; do
    changes=$(sample 'vdso_clocksource_changes_total')
    fallback=$(sample 'vdso_clock_fallback\{[^}]*clock="monotonic"[^}]*detector="seccomp"')
    if [ -n "$changes" ] && awk -v c="$changes" -v w="$1" 'BEGIN { exit !(c + 0 >= w + 0) }' \
       && [ -n "$fallback" ] && awk -v f="$fallback" -v w="$2" 'BEGIN { exit !(f + 0 == w + 0) }'; then
      break
    fi
    sleep 0.5
  done
  echo "flip-ms $(( ($(date +%s%N) - start) / 1000000 ))"
}

deadline=$(( $(date +%s) + 180 ))
until scrape >/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 $JVM 2>/dev/null; then
    echo "== jvm-output"; cat /tmp/idle.out
    echo "the agent's /metrics never answered" >&2
    exit 1
  fi
  sleep 0.5
done
wait_for 0 0 >/dev/null
echo "== metrics-start"
echo "clocksource $(cat $CS)"
scrape

echo hpet >$CS
echo "== flip-hpet"
wait_for 1 1
echo "== metrics-hpet"
echo "clocksource $(cat $CS)"
scrape

echo tsc >$CS
echo "== flip-tsc"
wait_for 2 0
echo "== metrics-tsc"
echo "clocksource $(cat $CS)"
scrape
echo "== jvm-output"
cat /tmp/idle.out
