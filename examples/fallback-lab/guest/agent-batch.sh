#!/usr/bin/env bash
# One aarch64, s390x or riscv64 guest's batch for the e2e tests (run inside `lab.sh --arch aarch64|s390x|riscv64`): the
# kernel command line, the kernel's arch_timer lines (arm64's timer erratum; none elsewhere), strace ground
# truth for every clock, the vDSO image as the kernel maps it, the agent's CLI report, and the agent loaded
# with -javaagent into a JVM until its one log line, then a scrape of its /metrics. Sections start with "== name" lines; the test judges them.
# Usage: agent-batch.sh <clockloop (guest arch)> <N> <java> <vdso-agent.jar> <classpath with io.vdsoagent.examples.lab.Idle>
#        [<clockbracket (guest arch)>: the C program's consistency samples before and after the report]
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LOOP=${1:?usage: agent-batch.sh <clockloop> <N> <java> <agent jar> <classpath>}
N=${2:?}
JAVA=${3:?}
JAR=${4:?}
CP=${5:?}
PORT=9419
# Guest seconds, which are not host seconds: a jiffies guest under TCG was seen running its clock ~10x fast
# (678 guest s in a 109 s run), so a 240 s wait ran out before the agent's line. The host's timeout for the
# whole run bounds a hang; these only keep the loop and the idle JVM from ending first.
AGENT_WAIT_S=3600
IDLE_S=36000
OUT=$(mktemp -d)

echo "== kernel"
uname -srm
echo "== cmdline"
cat /proc/cmdline
echo "== timer"
dmesg | grep 'arch_timer' || true

echo "== truth"
"$HERE/strace-truth.sh" "$LOOP" "$N"

# The vDSO exactly as mapped into this shell: /proc/self/mem opened by the shell reads the shell's own
# memory, and dd copies the [vdso] range out of it (never [vvar]).
echo "== vdso-image"
range=$(grep -m 1 '\[vdso\]' "/proc/$$/maps" | cut -d' ' -f1)
start=$((16#${range%-*}))
end=$((16#${range#*-}))
exec 3</proc/self/mem
dd bs=4096 skip=$((start / 4096)) count=$(((end - start) / 4096)) <&3 2>/dev/null | base64 -w 76
exec 3<&-

BRACKET=${6:-}
[ -n "$BRACKET" ] && "$BRACKET" >"$OUT/bracket" 2>&1
echo "== report"
begin=$(date +%s%N)
"$JAVA" -jar "$JAR" report --json 2>"$OUT/report.err"
rc=$?
echo "== report-meta"
echo "exit $rc"
echo "wall-ms $(( ($(date +%s%N) - begin) / 1000000 ))"
echo "== report-stderr"
cat "$OUT/report.err"
if [ -n "$BRACKET" ]; then
  echo "== bracket"
  cat "$OUT/bracket"
  "$BRACKET"
fi

begin=$(date +%s%N)
"$JAVA" "-javaagent:$JAR=host=127.0.0.1,port=$PORT" -cp "$CP" io.vdsoagent.examples.lab.Idle "$IDLE_S" \
  >"$OUT/agent.out" 2>"$OUT/agent.err" &
jvm=$!
deadline=$(( $(date +%s) + AGENT_WAIT_S ))
while ! grep -q '^vdso-agent: ' "$OUT/agent.err" && kill -0 "$jvm" 2>/dev/null \
      && [ "$(date +%s)" -lt "$deadline" ]; do
  sleep 0.5
done
ready_ms=$(( ($(date +%s%N) - begin) / 1000000 ))
echo "== agent-metrics"
# bash's own /dev/tcp (busybox's static wget crashes in this root); the agent closes after answering.
if exec 4<>"/dev/tcp/127.0.0.1/$PORT"; then
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&4
  timeout 30 cat <&4 | tr -d '\r' | sed '1,/^$/d'
  exec 4<&-
fi
kill "$jvm" 2>/dev/null
wait "$jvm" 2>/dev/null
echo "== agent-meta"
echo "line-ms $ready_ms"
echo "== agent-stdout"
cat "$OUT/agent.out"
echo "== agent-stderr"
cat "$OUT/agent.err"
rm -rf "$OUT"
