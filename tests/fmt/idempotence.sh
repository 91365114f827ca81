#!/usr/bin/env bash
# tests/fmt/idempotence.sh — `norma fmt` on every rule file of stdlib/, examples/ and
# tests/lang/: each file that parses must format without error (the formatter itself
# refuses output whose syntax tree — the `--dump-ast` S-expression — or comments differ
# from the input's), and formatting the result again must change nothing.
# Usage: idempotence.sh NORMA (from the repository root); ends with "N passed, N failed".
set -u
norma=${1:?usage: idempotence.sh NORMA}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skipped=0
while IFS= read -r f; do
  if ! "$norma" fmt "$f" > "$tmp/once.norma" 2> "$tmp/err"; then
    if grep -q 'E-fmt\|internal error' "$tmp/err"; then
      echo "FAIL $f: formatting would change the program"; fail=$((fail+1))
    else
      skipped=$((skipped+1))     # a syntax-error test: not formattable by design
    fi
    continue
  fi
  if ! "$norma" fmt "$tmp/once.norma" > "$tmp/twice.norma" 2> "$tmp/err"; then
    echo "FAIL $f: the formatted text does not format"; cat "$tmp/err"; fail=$((fail+1)); continue
  fi
  if ! cmp -s "$tmp/once.norma" "$tmp/twice.norma"; then
    echo "FAIL $f: not idempotent"; diff "$tmp/once.norma" "$tmp/twice.norma" | head -20
    fail=$((fail+1)); continue
  fi
  pass=$((pass+1))
done < <(find stdlib examples tests/lang -name '*.norma' | LC_ALL=C sort)
echo "fmt: $pass passed, $fail failed ($skipped with syntax errors skipped)"
[ $fail = 0 ] && [ $pass -gt 0 ]
