#!/usr/bin/env bash
# Ground truth for one guest: for each clock id, how many clock_gettime syscalls strace counts while
# clockloop makes N libc calls. Prints one line per clock: "truth <id> <syscalls> <verdict>", where
# verdict is syscall (> N/2), vdso (< N/10) or unclear. Usage: strace-truth.sh <clockloop binary> [N]
set -euo pipefail
LOOP=${1:?usage: strace-truth.sh <clockloop binary> [N]}
N=${2:-2000}
SUMMARY=$(mktemp)
trap 'rm -f "$SUMMARY"' EXIT
echo "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
for id in 0 1 2 3 4 5 6 7 11; do
  strace -f -c -e trace=clock_gettime -o "$SUMMARY" "$LOOP" "$id" "$N" >/dev/null || true
  # Summary columns: % time, seconds, usecs/call, calls, [errors], syscall; no row when no call.
  calls=$(awk '$NF == "clock_gettime" { print $4 }' "$SUMMARY")
  calls=${calls:-0}
  if [ "$calls" -gt $((N / 2)) ]; then verdict=syscall
  elif [ "$calls" -lt $((N / 10)) ]; then verdict=vdso
  else verdict=unclear; fi
  echo "truth $id $calls $verdict"
done
