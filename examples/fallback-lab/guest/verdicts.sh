#!/usr/bin/env bash
# One guest's batch for the e2e tests: strace ground truth for every clock, then (given a java and
# the agent jar) the agent's own verdicts, and the rusage detector's when run alone. Sections start with "== name" lines.
# Usage: verdicts.sh <clockloop binary> <N> [<java> <vdso-agent.jar> [<clockbracket binary>]]
# With clockbracket: the C program's consistency samples before and after the report ("== bracket").
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LOOP=${1:?usage: verdicts.sh <clockloop> <N> [<java> <agent jar>]}
N=${2:?}
echo "== truth"
"$HERE/strace-truth.sh" "$LOOP" "$N"
if [ $# -ge 4 ]; then
  [ $# -ge 5 ] && "$5" >"/tmp/bracket.before" 2>&1
  echo "== report"
  start=$(date +%s%N)
  "$3" -jar "$4" report --json
  rc=$?
  echo "== report-meta"
  echo "exit $rc"
  echo "wall-ms $(( ($(date +%s%N) - start) / 1000000 ))"
  if [ $# -ge 5 ]; then
    echo "== bracket"
    cat /tmp/bracket.before
    "$5"
  fi
  # The prober runs rusage only for clocks seccomp left undecided (none, normally): run it alone
  # too, so its verdicts can be held against strace as well.
  echo "== report-rusage"
  "$3" -Dvdso.agent.detectors=rusage -jar "$4" report --json
fi
