#!/usr/bin/env bash
# tests/cli/run.sh — runs the real `norma` binary on each tests/cli/cases/NAME.cmd
# (one line: the arguments, word-split by bash, run from the repository root) and
# compares the whole stdout (NAME.out), stderr (NAME.err) and exit status
# (NAME.exit, default 0). A missing .out/.err means "expected empty".
# Usage: run.sh NORMA; ends with "N passed, N failed".
set -u
norma=${1:?usage: run.sh NORMA}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for cmd in tests/cli/cases/*.cmd; do
  base=${cmd%.cmd}
  name=$(basename "$base")
  exp_exit=0; [ -f "$base.exit" ] && exp_exit=$(cat "$base.exit")
  : > "$tmp/empty"
  args=$(cat "$cmd")
  # shellcheck disable=SC2086
  eval "timeout 60 \"\$norma\" $args" > "$tmp/out" 2> "$tmp/err" < /dev/null
  rc=$?
  ok=1
  [ "$rc" = "$exp_exit" ] || { echo "FAIL $name: exit $rc, expected $exp_exit"; ok=0; }
  for s in out err; do
    exp="$tmp/empty"; [ -f "$base.$s" ] && exp="$base.$s"
    if ! cmp -s "$tmp/$s" "$exp"; then
      echo "FAIL $name: std$s differs"; diff "$exp" "$tmp/$s" | head -20; ok=0
    fi
  done
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done
echo "cli: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
