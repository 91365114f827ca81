#!/usr/bin/env bash
# run.sh — differential soundness check of the three-valued semantics against clingo
# (tests/three/README.md). For each seed in [SEED, SEED+COUNT) gen.c writes a program
# with open predicates as prog.norma and prog.lp (each open atom a choice); clingo's
# cautious consequences are the atoms true in every completion, its brave ones those
# true in some completion. [sem.three.sound]: every `yes` answer of `norma run` must be
# cautious, and every brave atom must be yes or unknown (P ⊇ brave).
# Usage: run.sh NORMA SEED COUNT [GENERATOR]
# Environment: THREE_JOBS (workers, default: CPUs, at most 4), THREE_KEEP (directory
# for failing programs, default: a fresh temporary directory), THREE_TIMEOUT (seconds
# per program and tool, default 20), CLINGO (default clingo).
# Prints each failure, then `three: N passed, N failed`; exits 1 on any failure, 2 on a
# usage error, 77 (skipped) when clingo is not installed.
set -u

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: run.sh NORMA SEED COUNT [GENERATOR]" >&2
    exit 2
fi
NORMA=$1 SEED=$2 COUNT=$3
GEN=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
CLINGO=${CLINGO:-clingo}
TIMEOUT=${THREE_TIMEOUT:-20}

case $SEED$COUNT in *[!0-9]*)
    echo "run.sh: SEED and COUNT must be non-negative integers" >&2
    exit 2 ;;
esac
if ! command -v "$CLINGO" >/dev/null 2>&1; then
    echo "run.sh: clingo not found; skipping the three-valued check"
    exit 77
fi
if [ ! -x "$NORMA" ]; then
    echo "run.sh: '$NORMA' is not an executable" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/norma-three.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -z "$GEN" ]; then
    GEN=$WORK/norma_threegen
    "${CC:-cc}" -std=gnu11 -O2 -o "$GEN" "$HERE/gen.c" || { echo "run.sh: cannot build gen.c" >&2; exit 2; }
fi
KEEP=${THREE_KEEP:-}
if [ -z "$KEEP" ]; then
    KEEP=$(mktemp -d "${TMPDIR:-/tmp}/norma-three-fail.XXXXXX")
else
    mkdir -p "$KEEP"
fi
JOBS=${THREE_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -gt 4 ] && JOBS=4
[ "$JOBS" -lt 1 ] && JOBS=1
[ "$COUNT" -lt "$JOBS" ] && JOBS=$((COUNT > 0 ? COUNT : 1))
if [ "$COUNT" -gt 0 ]; then
    "$GEN" "$SEED" "$WORK/progs" "$COUNT" || { echo "run.sh: the generator failed" >&2; exit 2; }
fi

# consequences MODE DIR: clingo's cautious or brave consequences, one atom a line,
# sorted, in DIR/MODE.txt; the last model printed before the last "Consequences" line.
consequences() {
    local mode=$1 dir=$2 rc
    timeout "$TIMEOUT" "$CLINGO" --outf=0 -V0 --warn=none -n0 --enum-mode="$mode" \
        "$dir/prog.lp" >"$dir/$mode.out" 2>"$dir/clingo.err"
    rc=$?
    # 10 SAT, 30 SAT and search space exhausted; a generated program always has models
    if [ $rc -ne 10 ] && [ $rc -ne 30 ]; then
        return 1
    fi
    awk '/^Consequences:/ { last = prev } { prev = $0 } END { print last }' "$dir/$mode.out" |
        tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u >"$dir/$mode.txt"
}

fail_seed() {
    local s=$1 dir=$2
    mkdir -p "$KEEP/$s" && cp "$dir"/* "$KEEP/$s/"
    shift 2
    printf 'seed %s: %s (%s)\n' "$s" "$*" "$KEEP/$s"
}

check_seed() {
    local s=$1 dir=$WORK/progs/$1 rc bad
    if ! consequences cautious "$dir" || ! consequences brave "$dir"; then
        fail_seed "$s" "$dir" "clingo failed"
        sed 's/^/  /' "$dir/clingo.err" | head -10
        return 1
    fi
    timeout "$TIMEOUT" "$NORMA" run "$dir/prog.norma" >"$dir/norma.out" 2>"$dir/norma.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail_seed "$s" "$dir" "norma run failed (exit $rc)"
        grep -v warning "$dir/norma.err" | sed 's/^/  /' | head -10
        return 1
    fi
    # norma: "p(c0, c1)" yes, "p(c0, c1) unknown"; no tags (no presumptions, no conflicts)
    awk '{ t = $NF; if (t == "unknown") { $NF = "" } else t = "yes"; a = $0; gsub(/ /, "", a);
           print a > (t == "yes" ? "'"$dir"'/yes.txt" : "'"$dir"'/unk.txt") }' "$dir/norma.out"
    touch "$dir/yes.txt" "$dir/unk.txt"
    LC_ALL=C sort -u -o "$dir/yes.txt" "$dir/yes.txt"
    LC_ALL=C sort -u "$dir/yes.txt" "$dir/unk.txt" >"$dir/poss.txt"
    # yes ⊆ cautious
    bad=$(LC_ALL=C comm -23 "$dir/yes.txt" "$dir/cautious.txt")
    if [ -n "$bad" ]; then
        fail_seed "$s" "$dir" "UNSOUND yes (not true in every completion)"
        printf '  %s\n' $bad | head -20
        return 1
    fi
    # brave ⊆ yes ∪ unknown
    bad=$(LC_ALL=C comm -23 "$dir/brave.txt" "$dir/poss.txt")
    if [ -n "$bad" ]; then
        fail_seed "$s" "$dir" "UNSOUND no (true in some completion)"
        printf '  %s\n' $bad | head -20
        return 1
    fi
    rm -rf "$dir"
    return 0
}

worker() {
    local w=$1 pass=0 fail=0 i
    for ((i = w; i < COUNT; i += JOBS)); do
        if check_seed $((SEED + i)) >"$WORK/report.$((SEED + i))"; then
            pass=$((pass + 1))
            rm -f "$WORK/report.$((SEED + i))"
        else
            fail=$((fail + 1))
        fi
    done
    echo "$pass $fail" >"$WORK/result.$w"
}

for ((w = 0; w < JOBS; w++)); do
    worker "$w" &
done
wait

passed=0 failed=0
for ((i = 0; i < COUNT; i++)); do
    [ -f "$WORK/report.$((SEED + i))" ] && cat "$WORK/report.$((SEED + i))"
done
for ((w = 0; w < JOBS; w++)); do
    if [ -f "$WORK/result.$w" ]; then
        read -r p f <"$WORK/result.$w"
        passed=$((passed + p))
        failed=$((failed + f))
    else
        echo "run.sh: worker $w died" >&2
        failed=$((failed + 1))
    fi
done
if [ "$failed" -eq 0 ]; then
    [ -z "${THREE_KEEP:-}" ] && rmdir "$KEEP" 2>/dev/null
else
    echo "failing programs kept in $KEEP"
fi
echo "three: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
