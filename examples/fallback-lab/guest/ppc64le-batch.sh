#!/usr/bin/env bash
# One ppc64le guest's batch for the e2e tests (run inside `lab.sh --arch ppc64le`): the kernel command line,
# strace ground truth for every clock, the agent's CLI report while the C bracket program samples every
# clock's libc value against raw syscalls in the background (so its samples surround the agent's own
# probe), and the vDSO image as the kernel maps it. Sections start with "== name" lines; the test judges.
# Usage: ppc64le-batch.sh <clockloop> <clockbracket> <N> <java> <vdso-agent.jar>
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LOOP=${1:?usage: ppc64le-batch.sh <clockloop> <clockbracket> <N> <java> <agent jar>}
BRACKET=${2:?}
N=${3:?}
JAVA=${4:?}
JAR=${5:?}
OUT=$(mktemp -d)

echo "== kernel"
uname -srm
echo "== cmdline"
cat /proc/cmdline

echo "== truth"
"$HERE/strace-truth.sh" "$LOOP" "$N"

# The ground truth sampler: a few hundred microseconds of work every 0.3 s, next to the JVM.
( while :; do "$BRACKET"; sleep 0.3; done ) >"$OUT/bracket" 2>&1 &
sampler=$!
# Wall times from /proc/uptime (the kernel's boottime): `date` reads the vDSO, wrong in jiffies mode.
uptime_ms() { local up; read -r up _ </proc/uptime; echo $(( ${up%.*} * 1000 + 10#${up#*.} * 10 )); }
echo "== report"
begin=$(uptime_ms)
"$JAVA" -jar "$JAR" report --json 2>"$OUT/report.err"
rc=$?
# Two more samples after the JVM, whatever the sleep was doing.
sleep 0.5
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
echo "== report-meta"
echo "exit $rc"
echo "wall-ms $(( $(uptime_ms) - begin ))"
echo "== report-stderr"
cat "$OUT/report.err"
echo "== bracket"
cat "$OUT/bracket"

echo "== vdso-image"
range=$(grep -m 1 '\[vdso\]' "/proc/$$/maps" | cut -d' ' -f1)
start=$((16#${range%-*}))
end=$((16#${range#*-}))
exec 3</proc/self/mem
dd bs=4096 skip=$((start / 4096)) count=$(((end - start) / 4096)) <&3 2>/dev/null | base64 -w 76
exec 3<&-
rm -rf "$OUT"
