#!/usr/bin/env bash
# tests/corpus/run.sh — the malformed-input corpus: every input gets its exact message
# and exit status (1 for errors in the input, 2 for input that cannot be read).
#   lang/*.norma   inputs that can carry comments: the tests/lang format (#? #! #=),
#                  run by tests/lang/run.sh (fact files in lang/NAME.d/)
#   raw/NAME.cmd   inputs that cannot (BOM, CRLF, invalid UTF-8, NUL bytes, empty files,
#                  paths that are directories...): the tests/cli format — NAME.cmd holds
#                  the arguments, NAME.err / NAME.out the whole expected stderr / stdout
#                  (absent: empty), NAME.exit the status (absent: 0)
#   generated here: inputs too big to commit (100,000 nested parentheses, a 1 MB
#                  identifier, a 1 MB string) and an unreadable file.
# Run from the repository root. Usage: run.sh NORMA; ends with "N passed, N failed".
set -u
norma=${1:?usage: run.sh NORMA}
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0

# 1. lang-style inputs
out=$(bash tests/lang/run.sh "$norma" tests/corpus/lang/*.norma)
echo "$out" | grep -v '^lang: '
p=$(echo "$out" | sed -n 's/^lang: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^lang: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

# 2. raw inputs
: > "$tmp/empty"
for cmd in tests/corpus/raw/*.cmd; do
  base=${cmd%.cmd}; name=$(basename "$base")
  exp_exit=0; [ -f "$base.exit" ] && exp_exit=$(cat "$base.exit")
  # shellcheck disable=SC2046
  eval "timeout 60 \"\$norma\" $(cat "$cmd")" > "$tmp/out" 2> "$tmp/err" < /dev/null
  rc=$?; ok=1
  [ "$rc" = "$exp_exit" ] || { echo "FAIL raw/$name: exit $rc, expected $exp_exit"; ok=0; }
  for s in out err; do
    exp="$tmp/empty"; [ -f "$base.$s" ] && exp="$base.$s"
    if ! cmp -s "$tmp/$s" "$exp"; then
      echo "FAIL raw/$name: std$s differs"; diff "$exp" "$tmp/$s" | head -10; ok=0
    fi
  done
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done

# 3. generated inputs. check_gen NAME EXIT FIRST-LINE FILE [ARGS...]: runs `norma ARGS
# FILE` (default check) within 60 s and compares the exit status and the first line of
# stderr ("" = stderr must be empty); stderr must stay under 8 MB.
check_gen() {
  local name=$1 want_rc=$2 want_first=$3 file=$4; shift 4
  local args=("$@"); [ ${#args[@]} = 0 ] && args=(check)
  timeout 60 "$norma" "${args[@]}" "$file" > "$tmp/out" 2> "$tmp/err" < /dev/null
  local rc=$? ok=1 first
  first=$(head -n 1 "$tmp/err")
  [ "$rc" = "$want_rc" ] || { echo "FAIL gen/$name: exit $rc, expected $want_rc"; ok=0; }
  [ "$first" = "$want_first" ] || { echo "FAIL gen/$name: first line of stderr:"; echo "  got:      ${first:0:200}"; echo "  expected: ${want_first:0:200}"; ok=0; }
  [ "$(wc -c < "$tmp/err")" -lt 8000000 ] || { echo "FAIL gen/$name: stderr over 8 MB"; ok=0; }
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
}
a1m=$(head -c 1000000 /dev/zero | tr '\0' a)
f="$tmp/parens.norma"   # 100,000 nested parentheses: the parser's depth limit (1000)
{ printf 'pred p(x: int)\nrule r: p(x) if x = '; head -c 100000 /dev/zero | tr '\0' '(';
  printf 1; head -c 100000 /dev/zero | tr '\0' ')'; printf '\n'; } > "$f"
check_gen parens 1 "$f:2:1021: error: too deeply nested: more than 1000 open brackets" "$f"
f="$tmp/ident.norma"    # a 1 MB identifier in a declaration is accepted
printf 'pred %s(x: int)\n' "$a1m" > "$f"
check_gen ident_1mb 0 "" "$f"
f="$tmp/ident_unknown.norma"   # ... and named in full when unknown
printf 'pred p(x: int)\nrule r: p(1) if %s(1)\n' "$a1m" > "$f"
check_gen ident_1mb_unknown 1 "$f:2:17: error: unknown predicate '$a1m'" "$f"
# ... but its source line is cut to 160 cells ([diag.format]): the message holds the
# name once; the excerpt and caret line add well under a kilobyte
if [ "$(wc -c < "$tmp/err")" -lt 1001000 ]; then pass=$((pass+1))
else echo "FAIL gen/ident_1mb_unknown: stderr is $(wc -c < "$tmp/err") bytes (the line not cut)"; fail=$((fail+1)); fi
f="$tmp/string.norma"   # a 1 MB string literal
printf 'pred p(x: text)\nrule r: p("%s")\n' "$a1m" > "$f"
check_gen string_1mb 0 "" "$f" run
f="$tmp/unterminated.norma"   # a 1 MB unterminated string
printf 'pred p(x: text)\nrule r: p("%s\n' "$a1m" > "$f"
check_gen string_1mb_unterminated 1 "$f:2:11: error: unterminated string" "$f"
f="$tmp/nested_not.norma"     # 2,000 nested negations: the 1001st bracket is too deep
{ printf 'pred p(x: int)\nrule r: p(1) if '; for _ in $(seq 1 2000); do printf 'not ('; done
  printf '1 = 1'; head -c 2000 /dev/zero | tr '\0' ')'; printf '\n'; } > "$f"
check_gen nested_not 1 "$f:2:5021: error: too deeply nested: more than 1000 open brackets" "$f"
# Empty directories (git keeps none, so they are made here): named, below the one
# named, and as the fact directory. The walk and the fact loader sort no names then.
mkdir -p "$tmp/empty_dir" "$tmp/with_empty/sub" "$tmp/no_facts"
check_gen empty_dir 2 "norma: error: no .norma files in directory '$tmp/empty_dir'" "$tmp/empty_dir"
printf 'pred p(x: int)\n' > "$tmp/with_empty/a.norma"
check_gen empty_subdir 0 "" "$tmp/with_empty"
check_gen empty_subdir_fmt 0 "" "$tmp/with_empty" fmt --check
printf 'pred p(x: int) input\npred q(x: int)\nrule r: q(x) if p(x)\n' > "$tmp/q.norma"
check_gen empty_facts_dir 0 "" "$tmp/q.norma" run --facts "$tmp/no_facts"
# An unreadable file: root reads anything, so as root the check runs as nobody.
f="$tmp/unreadable.norma"; printf 'pred p(x: int)\n' > "$f"; chmod 000 "$f"; chmod 755 "$tmp"
if [ "$(id -u)" != 0 ]; then
  check_gen unreadable 2 "norma: error: cannot read '$f': Permission denied" "$f"
elif command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups \
       test -x "$norma" 2> /dev/null; then
  norma_as_root=$norma
  norma="$tmp/as_nobody"
  printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups "%s" "$@"\n' \
    "$norma_as_root" > "$norma"; chmod 755 "$norma"
  check_gen unreadable 2 "norma: error: cannot read '$f': Permission denied" "$f"
  mkdir "$tmp/closed"; printf 'pred p(x: int)\n' > "$tmp/closed/a.norma"; chmod 000 "$tmp/closed"
  check_gen unreadable_dir 2 "norma: error: cannot read '$tmp/closed': Permission denied" "$tmp/closed"
  # a directory below the one named is reported too, not skipped
  mkdir -p "$tmp/tree/sub"; printf 'pred p(x: int)\n' > "$tmp/tree/a.norma"
  printf 'pred q(x: int)\n' > "$tmp/tree/sub/b.norma"; chmod 000 "$tmp/tree/sub"
  check_gen unreadable_subdir 2 "norma: error: cannot read directory '$tmp/tree/sub': Permission denied" "$tmp/tree"
  check_gen unreadable_subdir_fmt 2 "norma: error: cannot read directory '$tmp/tree/sub': Permission denied" "$tmp/tree" fmt --check
  norma=$norma_as_root
else
  echo "skip gen/unreadable: running as root without setpriv"
fi
echo "corpus: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
