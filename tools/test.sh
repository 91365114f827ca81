#!/usr/bin/env bash
# tools/test.sh — every test on a fresh machine: install what is missing, then
#   1. build (Release) and run the whole suite (unit, language, CLI) with ctest;
#   2. build with AddressSanitizer + UndefinedBehaviorSanitizer and run it again;
#   3. build the libFuzzer harnesses with clang and run each for FUZZ_SECONDS (60).
# Exits non-zero on any failure and ends with a "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 2
fuzz_seconds=${FUZZ_SECONDS:-60}
passed=0 failed=0
step() {  # step NAME COMMAND...: runs a step, counts it
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed+1)); else echo "FAILED: $name"; failed=$((failed+1)); fi
}
step "build" bash tools/build.sh build
step "tests" ctest --test-dir build --output-on-failure
step "build (asan+ubsan)" bash tools/build.sh build-asan -DNORMA_SANITIZE=ON
step "tests (asan+ubsan)" env ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure
step "build (fuzz)" bash tools/build.sh build-fuzz -DNORMA_FUZZ=ON -DNORMA_TESTS=OFF -DCMAKE_C_COMPILER=clang
for h in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$h" ] || continue
  name=$(basename "$h")
  corpus=$(mktemp -d)
  cp tests/fuzz/seeds/*.norma "$corpus"/ 2>/dev/null || true
  cp tests/fuzz/crashes/* "$corpus"/ 2>/dev/null || true
  [ "$name" = fuzz_facts ] && cp tests/fuzz/seeds-facts/* "$corpus"/ 2>/dev/null
  find tests/lang stdlib examples -name '*.norma' -exec cp {} "$corpus"/ \; 2>/dev/null
  step "fuzz $name (${fuzz_seconds}s)" env ASAN_OPTIONS=detect_leaks=0 "$h" \
    -max_total_time="$fuzz_seconds" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -dict=tests/fuzz/norma.dict "$corpus"
  rm -rf "$corpus"
done
echo "test.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
