#!/usr/bin/env bash
# tools/test.sh — every test on a fresh machine: install what is missing, then
#   1. build (Release) and run the whole suite (unit, language, CLI) with ctest;
#   2. build with AddressSanitizer + UndefinedBehaviorSanitizer and run it again;
#   3. build the libFuzzer harnesses with clang and run each for FUZZ_SECONDS (60).
# Each step's output is shown as it runs and kept in build-logs/STEP.log. Exits
# non-zero on any failure; it ends with the failed steps' details (the failing tests,
# a fuzzer's report and its input in base64) and a "N passed, N failed" line, so that
# the end of the output alone tells what went wrong.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 2
fuzz_seconds=${FUZZ_SECONDS:-60}
logs=build-logs
rm -rf "$logs" && mkdir -p "$logs"
passed=0 failed=0 failures=()

step() {  # step NAME COMMAND...: runs a step, counts it, keeps its output
  local name=$1; shift
  local log="$logs/${name//[^A-Za-z0-9_]/_}.log"
  echo "== $name"
  if "$@" 2>&1 | tee "$log"; then
    passed=$((passed+1))
  else
    echo "FAILED: $name"
    failed=$((failed+1))
    failures+=("$name|$log")
  fi
}

fuzz() {  # fuzz HARNESS: a bounded run on the seeds; a finding's input is kept
  local h=$1 name corpus rc
  name=$(basename "$h")
  corpus=$(mktemp -d)
  cp tests/fuzz/seeds/*.norma "$corpus"/ 2>/dev/null || true
  cp tests/fuzz/crashes/* "$corpus"/ 2>/dev/null || true
  [ "$name" = fuzz_facts ] && cp tests/fuzz/seeds-facts/* "$corpus"/ 2>/dev/null
  find tests/lang stdlib examples -name '*.norma' -exec cp {} "$corpus"/ \; 2>/dev/null
  mkdir -p build-fuzz/findings
  env ASAN_OPTIONS=detect_leaks=0 "$h" \
    -max_total_time="$fuzz_seconds" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -dict=tests/fuzz/norma.dict \
    -artifact_prefix="build-fuzz/findings/$name-" "$corpus" 2>&1 |
    grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)'   # progress lines: noise
  rc=${PIPESTATUS[0]}
  rm -rf "$corpus"
  return "$rc"
}

step "build" bash tools/build.sh build
step "tests" ctest --test-dir build --output-on-failure
step "build (asan+ubsan)" bash tools/build.sh build-asan -DNORMA_SANITIZE=ON
step "tests (asan+ubsan)" env ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure
rm -rf build-fuzz/findings
step "build (fuzz)" bash tools/build.sh build-fuzz -DNORMA_FUZZ=ON -DNORMA_TESTS=OFF -DCMAKE_C_COMPILER=clang
for h in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$h" ] || continue
  step "fuzz $(basename "$h") (${fuzz_seconds}s)" fuzz "$h"
done

if [ "$failed" != 0 ]; then
  echo
  echo "== what failed"
  for f in "${failures[@]}"; do
    name=${f%%|*} log=${f#*|}
    echo "-- $name (whole output: $log)"
    case $name in
      tests*)   # ctest: the failing tests and the first lines of their output
        grep -E '^[[:space:]]*[0-9]+ - |\*\*\*Failed|\*\*\*Timeout|Failed  |Exception' "$log" | head -40
        grep -n -E 'FAIL|error|Error|ERROR|mismatch|expected' "$log" | head -40 ;;
      fuzz*)    # the fuzzer's report and the input that caused it
        grep -E -A30 -m1 '^==[0-9]+==|ERROR: libFuzzer|runtime error|out-of-memory|timeout' "$log" | head -50
        for a in build-fuzz/findings/*; do
          [ -f "$a" ] || continue
          echo "input $a ($(wc -c < "$a") bytes), base64:"
          head -c 3000 "$a" | base64 -w 100
        done ;;
      *) tail -n 40 "$log" ;;
    esac
  done
fi
echo "test.sh: $passed passed, $failed failed${failures:+ (${failures[*]%%|*})}"
[ "$failed" = 0 ]
