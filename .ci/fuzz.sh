#!/usr/bin/env bash
# Time-boxed coverage-guided fuzzing of every parser that reads what the host (or a config) hands
# the agent. Each target runs alone (Jazzer fuzzes one @FuzzTest per JVM) for N seconds.
#
#   .ci/fuzz.sh [seconds-per-target] [Class#method ...]     default: 60 s, all targets
#
# Prints executions per target. A finding is written by Jazzer into the target's committed corpus
# directory (src/test/resources/<package>/<Class>Inputs/<method>/crash-*), where `mvn verify` replays it
# from then on; the script exits 1 and lists it. The growing corpus stays in <module>/target/fuzz-corpus.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-60}
shift || true
ALL_TARGETS=(
  core:io.vdsoagent.source.elf.FuzzElfParserTest#parse
  core:io.vdsoagent.source.FuzzAuxvTest#parse
  core:io.vdsoagent.source.FuzzMapsReaderTest#scan
  core:io.vdsoagent.source.FuzzSysfsReadersTest#read
  agent:io.vdsoagent.agent.config.FuzzAgentArgsTest#parse
)
if [ $# -gt 0 ]; then
  TARGETS=()
  for want in "$@"; do
    for t in "${ALL_TARGETS[@]}"; do [[ "$t" == *"$want"* ]] && TARGETS+=("$t"); done
  done
else
  TARGETS=("${ALL_TARGETS[@]}")
fi

mkdir -p target/fuzz
status=0
printf '%-58s %12s %10s %s\n' target executions exec/s result > target/fuzz/summary.txt
for t in "${TARGETS[@]}"; do
  module=${t%%:*}
  test=${t#*:}
  class=${test%%#*}
  simple=${class##*.}
  if ! ls "$module"/src/test/java/"$(echo "${class%.*}" | tr . /)"/"$simple".java >/dev/null 2>&1; then
    printf '%-58s %12s %10s %s\n' "$simple#${test#*#}" - - "absent on this branch" >> target/fuzz/summary.txt
    continue
  fi
  corpus="$PWD/$module/target/fuzz-corpus/$simple"
  mkdir -p "$corpus"
  log="target/fuzz/$simple.log"
  echo "== fuzzing $test for ${SECONDS_PER_TARGET}s (log: $log)"
  # -am builds core for the agent module; surefire's filter skips every other test class.
  JAZZER_FUZZ=1 mvn -B -pl "$module" -am test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="-Xmx768m -XX:+UseParallelGC -XX:-OmitStackTraceInFastThrow" \
    -Djazzer.hooks=true -Djazzer.internal.arg.0=fuzz \
    -Djazzer.internal.arg.1="$corpus" \
    -Djazzer.internal.arg.2=-max_total_time="$SECONDS_PER_TARGET" \
    -Djazzer.internal.arg.3=-print_final_stats=1 > "$log" 2>&1
  rc=$?
  execs=$(grep -ah 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  rate=$(grep -ah 'stat::average_exec_per_sec' "$log" | awk '{print $2}' | tail -1)
  if [ $rc = 0 ]; then result=ok; else result="FINDING or failure (exit $rc), see $log"; status=1; fi
  printf '%-58s %12s %10s %s\n' "$simple#${test#*#}" "${execs:--}" "${rate:--}" "$result" >> target/fuzz/summary.txt
done
echo "== fuzz summary (${SECONDS_PER_TARGET}s per target)"
cat target/fuzz/summary.txt
new=$(git status --porcelain -- '*Inputs/*' | awk '{print $2}')
if [ -n "$new" ]; then
  echo "== new inputs in the committed corpora (commit them with the fix):"
  echo "$new"
  status=1
fi
exit $status
