#!/usr/bin/env bash
# Runs the README's test command three times in a row, the second with both cores kept busy by two
# shell loops, and prints each wall time. All three must pass: a test that passes only on a quiet
# machine or on one kind of clocksource is a flaky test. Usage: .ci/stress-verify.sh [extra mvn args]
set -uo pipefail
cd "$(dirname "$0")/.."
cores=$(nproc)
mkdir -p target
status=0
for run in 1 2 3; do
  busy=()
  if [ "$run" = 2 ]; then
    # Bounded, so a killed script never leaves the machine spinning.
    for _ in $(seq "$cores"); do timeout 1800 sh -c 'while :; do :; done' & busy+=($!); done
  fi
  log=target/stress-verify-$run.log
  start=$(date +%s)
  mvn -B verify "$@" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  label=$([ "$run" = 2 ] && echo "with $cores busy loops" || echo "quiet")
  echo "run $run ($label): rc=$rc, ${took} s, load $(cut -d' ' -f1-3 /proc/loadavg), log $log"
  grep -E '^\[(INFO|WARNING|ERROR)\] Tests run:.*(Fail|Err)' "$log" | grep -vE 'Time elapsed' | tail -4
  grep -E 'Tests run:.*Skipped: [1-9]' "$log" | grep 'Time elapsed' || true
  [ "$rc" = 0 ] || status=1
done
exit $status
