#!/usr/bin/env bash
# run.sh — differential test of the Norma engine against clingo (tests/diff/README.md).
# For each seed in [SEED, SEED+COUNT) the generator writes a random stratified program
# as prog.norma and prog.lp; `NORMA run prog.norma` and clingo must give the same set
# of derived atoms. Usage: run.sh NORMA SEED COUNT [GENERATOR]
# The generator is GENERATOR, else $NORMA_DIFFGEN, else gen.c compiled with ${CC:-cc}.
# Environment: DIFF_JOBS (parallel workers, default: number of CPUs, at most 4),
# DIFF_KEEP (directory for failing programs, default: a fresh temporary directory),
# DIFF_TIMEOUT (seconds per program and tool, default 20).
# Prints each mismatch, then `diff: N passed, N failed`; exits 1 on any failure,
# 2 on a usage error, 77 (skipped) when clingo is not installed.
set -u

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: run.sh NORMA SEED COUNT [GENERATOR]" >&2
    exit 2
fi
NORMA=$1
SEED=$2
COUNT=$3
GEN=${4:-${NORMA_DIFFGEN:-}}
HERE=$(cd "$(dirname "$0")" && pwd)
CLINGO=${CLINGO:-clingo}
TIMEOUT=${DIFF_TIMEOUT:-20}

case $SEED$COUNT in *[!0-9]*)
    echo "run.sh: SEED and COUNT must be non-negative integers" >&2
    exit 2 ;;
esac
if ! command -v "$CLINGO" >/dev/null 2>&1; then
    echo "run.sh: clingo not found; skipping the differential test"
    exit 77
fi
if [ ! -x "$NORMA" ]; then
    echo "run.sh: '$NORMA' is not an executable" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/norma-diff.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -z "$GEN" ]; then
    GEN=$WORK/norma_diffgen
    "${CC:-cc}" -std=gnu11 -O2 -o "$GEN" "$HERE/gen.c" || { echo "run.sh: cannot build gen.c" >&2; exit 2; }
fi
KEEP=${DIFF_KEEP:-}
if [ -z "$KEEP" ]; then
    KEEP=$(mktemp -d "${TMPDIR:-/tmp}/norma-diff-fail.XXXXXX")
else
    mkdir -p "$KEEP"
fi

JOBS=${DIFF_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -gt 4 ] && JOBS=4
[ "$JOBS" -lt 1 ] && JOBS=1
[ "$COUNT" -lt "$JOBS" ] && JOBS=$((COUNT > 0 ? COUNT : 1))

if [ "$COUNT" -gt 0 ]; then
    "$GEN" "$SEED" "$WORK/progs" "$COUNT" || { echo "run.sh: the generator failed" >&2; exit 2; }
fi

# check_seed S: compares the two answers of program S; on a mismatch prints a report
# and copies the program to $KEEP/S. Returns 0 when they agree.
check_seed() {
    local s=$1 dir=$WORK/progs/$1 lp nm rc line
    lp=$(timeout "$TIMEOUT" "$CLINGO" --outf=0 -V0 --warn=none "$dir/prog.lp" 2>"$dir/clingo.err")
    rc=$?
    if [ $rc -ne 10 ] && [ $rc -ne 30 ]; then
        mkdir -p "$KEEP/$s" && cp "$dir"/* "$KEEP/$s/"
        printf 'seed %s: clingo failed (exit %s) on %s\n' "$s" "$rc" "$KEEP/$s/prog.lp"
        sed 's/^/  /' "$dir/clingo.err" | head -20
        return 1
    fi
    line=${lp%%$'\n'*}
    [ "$line" = SATISFIABLE ] && line=
    read -ra atoms <<<"$line"
    nm=$(timeout "$TIMEOUT" "$NORMA" run "$dir/prog.norma" 2>"$dir/norma.err")
    rc=$?
    if [ $rc -ne 0 ]; then
        mkdir -p "$KEEP/$s" && cp "$dir"/* "$KEEP/$s/"
        printf 'seed %s: norma run failed (exit %s) on %s\n' "$s" "$rc" "$KEEP/$s/prog.norma"
        sed 's/^/  /' "$dir/norma.err" | head -20
        return 1
    fi
    # normalise: one atom per line, no spaces, `p()` is `p`, sorted
    nm=${nm// /}
    nm=${nm//()/}
    if [ ${#atoms[@]} -gt 0 ]; then
        printf '%s\n' "${atoms[@]}" | LC_ALL=C sort -u >"$dir/clingo.txt"
    else
        : >"$dir/clingo.txt"
    fi
    if [ -n "$nm" ]; then
        printf '%s\n' "$nm" | LC_ALL=C sort -u >"$dir/norma.txt"
    else
        : >"$dir/norma.txt"
    fi
    if ! cmp -s "$dir/clingo.txt" "$dir/norma.txt"; then
        mkdir -p "$KEEP/$s" && cp "$dir"/* "$KEEP/$s/"
        printf 'seed %s: MISMATCH\n  norma:  %s\n  clingo: %s\n' "$s" \
            "$KEEP/$s/prog.norma" "$KEEP/$s/prog.lp"
        printf '  (< only in norma, > only in clingo)\n'
        diff "$dir/norma.txt" "$dir/clingo.txt" | grep '^[<>]' | sed 's/^/  /' | head -40
        return 1
    fi
    rm -rf "$dir"
    return 0
}

# worker W: checks the seeds SEED+i for i congruent to W modulo JOBS, each seed's report
# to report.SEED+i (kept only on failure); writes "pass fail" to result.W.
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

passed=0
failed=0
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
    [ -z "${DIFF_KEEP:-}" ] && rmdir "$KEEP" 2>/dev/null
else
    echo "failing programs kept in $KEEP"
fi
echo "diff: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
