#!/usr/bin/env bash
# tests/reliability/kill.sh — no data loss when norma is killed mid-write
# ([cli.fmt], [cli.output], [cli.verdicts]): each file norma writes goes to a
# temporary file beside it and is renamed over the old one. The test starts
# `norma fmt -w`, `norma run --output DIR` and `norma run --verdicts FILE` on inputs
# large enough that writing takes a while, sends SIGKILL after a random delay, many
# times, and checks that every target holds either its old contents or the complete
# new contents — never a prefix or a mix. A SIGKILL can leave the temporary file
# (`.NAME.fmt-XXXXXX`, `.NAME.tmp-XXXXXX`) behind, by design: nothing can remove it;
# the test checks that no other file appears and that a later complete run removes
# nothing it should not. Usage: kill.sh NORMA [ROUNDS]; ends with "N passed, N failed".
set -u
norma=${1:?usage: kill.sh NORMA [ROUNDS]}
rounds=${2:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }

# A program in a non-canonical layout (so fmt -w rewrites it) that also derives a
# large relation: 20,000 facts spread over extra spaces, and big(x, y) for each.
{
  printf 'pred n(x: int)\npred big(x: int, label: text)\n'
  printf 'rule b:   big(x, "a rather long label to make every row of the output wide") if n(x)\n'
  seq 0 19999 | awk '{ printf "rule f%d:   n(%d)\n", $1, $1 }'
} > "$tmp/big.norma"
# --verdicts gets a smaller program: writing every atom as a verdict is much slower
# per atom than --output (about 35 s for 20,000 atoms under load).
{
  printf 'pred n(x: int)\npred big(x: int, label: text)\n'
  printf 'rule b: big(x, "a label") if n(x)\n'
  seq 0 1999 | awk '{ printf "rule f%d: n(%d)\n", $1, $1 }'
} > "$tmp/small.norma"
cp "$tmp/big.norma" "$tmp/old.norma"
# The complete new contents of each target, from runs that are not interrupted.
cp "$tmp/old.norma" "$tmp/ref.norma"
"$norma" fmt -w "$tmp/ref.norma" || { bad "fmt -w reference run"; exit 1; }
mkdir -p "$tmp/refout"
"$norma" run "$tmp/old.norma" --output "$tmp/refout" > /dev/null || { bad "reference --output"; exit 1; }
"$norma" run "$tmp/small.norma" --verdicts "$tmp/ref.jsonl" > /dev/null || { bad "reference --verdicts"; exit 1; }
cmp -s "$tmp/ref.norma" "$tmp/old.norma" && { bad "fmt -w would not change the input"; exit 1; }

# Durations of one complete run each, in seconds (the kill delay is drawn below it).
dur() { local s e; s=$EPOCHREALTIME; "$@" > /dev/null 2>&1; e=$EPOCHREALTIME; awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'; }
cp "$tmp/old.norma" "$tmp/t.norma"
d_fmt=$(dur "$norma" fmt -w "$tmp/t.norma")
d_out=$(dur "$norma" run "$tmp/old.norma" --output "$tmp/tout")
d_ver=$(dur "$norma" run "$tmp/small.norma" --verdicts "$tmp/t.jsonl")
rm -rf "$tmp/t.norma" "$tmp/tout" "$tmp/t.jsonl"

# kill_after SECONDS CMD...: runs CMD, SIGKILLs it after SECONDS (if still running).
kill_after() {
  local delay=$1; shift
  "$@" > /dev/null 2>&1 &
  local pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
}
# A random delay: in odd rounds in [0, 1.2 × D), in even rounds in [0.8 × D, 1.1 × D)
# (around the end of the run, where the writing happens).
delay() {
  awk -v d="$1" -v r="$RANDOM" -v even=$((round % 2 == 0)) \
    'BEGIN { printf "%.3f", even ? d * (0.8 + 0.3 * r / 32768) : d * 1.2 * r / 32768 }'
}
# extra DIR EXPECTED...: lists files in DIR other than EXPECTED and norma's temporaries.
extra() {
  local dir=$1; shift
  ls -A "$dir" | grep -v -x -F "$(printf '%s\n' "$@")" | grep -v -E '^\.[^/]+\.(fmt|tmp)-[A-Za-z0-9]{6}$'
}

old_content() {  # old_content FILE: a distinct old version of an output file
  printf 'old contents of %s, which must survive a kill\n' "$1"
}

echo "kill: one complete run takes ${d_fmt}s (fmt -w), ${d_out}s (--output), ${d_ver}s (--verdicts)"
killed=0 completed=0 leftover=0
for r in $(seq 1 "$rounds"); do
  round=$r
  # fmt -w
  w="$tmp/w$r"; mkdir -p "$w"; cp "$tmp/old.norma" "$w/big.norma"
  kill_after "$(delay "$d_fmt")" "$norma" fmt -w "$w/big.norma"
  if cmp -s "$w/big.norma" "$tmp/old.norma"; then killed=$((killed+1)); ok
  elif cmp -s "$w/big.norma" "$tmp/ref.norma"; then completed=$((completed+1)); ok
  else bad "fmt -w round $r: big.norma is neither the old nor the new text ($(wc -c < "$w/big.norma") bytes)"; fi
  ls -A "$w" | grep -q -E '^\.big\.norma\.fmt-' && leftover=$((leftover+1))
  [ -z "$(extra "$w" big.norma)" ] && ok || bad "fmt -w round $r: unexpected files: $(extra "$w" big.norma)"

  # run --output DIR: big.tsv and n.tsv exist with old contents
  o="$tmp/o$r"; mkdir -p "$o"
  old_content big.tsv > "$o/big.tsv"; old_content n.tsv > "$o/n.tsv"
  kill_after "$(delay "$d_out")" "$norma" run "$tmp/old.norma" --output "$o"
  for f in big.tsv n.tsv; do
    if cmp -s "$o/$f" <(old_content "$f"); then ok
    elif cmp -s "$o/$f" "$tmp/refout/$f"; then ok
    else bad "--output round $r: $f is neither old nor complete ($(wc -c < "$o/$f") bytes)"; fi
  done
  [ -z "$(extra "$o" big.tsv n.tsv)" ] && ok || bad "--output round $r: unexpected files: $(extra "$o" big.tsv n.tsv)"

  # run --verdicts FILE
  v="$tmp/v$r"; mkdir -p "$v"; old_content v.jsonl > "$v/v.jsonl"
  kill_after "$(delay "$d_ver")" "$norma" run "$tmp/small.norma" --verdicts "$v/v.jsonl"
  if cmp -s "$v/v.jsonl" <(old_content v.jsonl) || cmp -s "$v/v.jsonl" "$tmp/ref.jsonl"; then ok
  else bad "--verdicts round $r: v.jsonl is neither old nor complete ($(wc -c < "$v/v.jsonl") bytes)"; fi
  [ -z "$(extra "$v" v.jsonl)" ] && ok || bad "--verdicts round $r: unexpected files: $(extra "$v" v.jsonl)"
done
# A complete run after kills: the targets are complete and still the only new files.
w="$tmp/w1"; "$norma" fmt -w "$w/big.norma" && cmp -s "$w/big.norma" "$tmp/ref.norma" && ok \
  || bad "fmt -w after a kill did not complete"
echo "kill: fmt -w killed before the rename $killed times (mid-write, temporary left: $leftover), completed $completed times (of $rounds)"
echo "kill: $pass passed, $fail failed"
[ $fail = 0 ]
