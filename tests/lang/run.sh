#!/usr/bin/env bash
# tests/lang/run.sh — the data-driven language suite. Each tests/lang/**/*.norma file is
# a program with its expectations in comments (see tests/lang/README.md):
#   #? exit N     expected exit status (default 0)
#   #? args ...   the norma command and options (default: check)
#   #! TEXT       a line of expected stderr     #= TEXT   a line of expected stdout
#   # spec: ID    the SPEC.md section it pins (required)
# Runs `norma ARGS FILE` from the repository root and compares exactly.
# Usage: run.sh NORMA [FILE...]; ends with "N passed, N failed".
set -u
norma=${1:?usage: run.sh NORMA [FILE...]}
shift
if [ $# -gt 0 ]; then files=("$@"); else
  mapfile -t files < <(find tests/lang -name '*.norma' | LC_ALL=C sort)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for f in "${files[@]}"; do
  if ! grep -q '^# spec: ' "$f"; then
    echo "FAIL $f: no '# spec:' line"; fail=$((fail+1)); continue
  fi
  exp_exit=$(sed -n 's/^#? exit \([0-9]*\).*/\1/p' "$f" | head -1)
  exp_exit=${exp_exit:-0}
  args=$(sed -n 's/^#? args //p' "$f" | head -1)
  args=${args:-check}
  # expected outputs: "#! x" -> "x", "#!" -> ""
  sed -n 's/^#!\( \(.*\)\)\{0,1\}$/\2/p' "$f" > "$tmp/err.exp"
  sed -n 's/^#=\( \(.*\)\)\{0,1\}$/\2/p' "$f" > "$tmp/out.exp"
  # shellcheck disable=SC2086
  timeout 20 "$norma" $args "$f" > "$tmp/out" 2> "$tmp/err" < /dev/null
  rc=$?
  ok=1
  if [ "$rc" != "$exp_exit" ]; then
    echo "FAIL $f: exit $rc, expected $exp_exit"; ok=0
  fi
  if ! cmp -s "$tmp/out" "$tmp/out.exp"; then
    echo "FAIL $f: stdout differs"; diff "$tmp/out.exp" "$tmp/out" | head -20; ok=0
  fi
  if [ -s "$tmp/err.exp" ] || [ "$exp_exit" != 0 ] || [ -s "$tmp/err" ]; then
    if ! cmp -s "$tmp/err" "$tmp/err.exp"; then
      echo "FAIL $f: stderr differs"; diff "$tmp/err.exp" "$tmp/err" | head -20; ok=0
    fi
  fi
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done
echo "lang: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
