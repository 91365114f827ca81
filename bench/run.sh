#!/usr/bin/env bash
# bench/run.sh — Norma's benchmark suite: builds Release (build-bench/), generates the
# workloads with fixed seeds (bench/gen.c), runs Norma (provenance on and off),
# SWI-Prolog with tabling and clingo side by side, N times each, and prints a table of
# median wall time, peak memory, ratios and the targets of the suite (bench/README.md).
#
# Usage: bash bench/run.sh [--quick] [--runs N] [--only W1,W2] [--no-peers] [--no-join1]
#   --quick     1 run per engine, join1 skipped (the full run takes ~20 minutes)
#   --no-build  use the binaries already in the build directory
#   --only      workloads among tc_random,tc_chain,sg,join1,screening,misc
# Environment: BENCH_BUILD (default build-bench), BENCH_DATA (default
# /tmp/norma-bench-data; regenerated when bench/gen.c changes), BENCH_TIMEOUT (seconds
# per run, default 300; BENCH_JOIN1_TIMEOUT for join1, default 180).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/norma-bench-data}
TIMEOUT=${BENCH_TIMEOUT:-300}
RUNS=5
PEERS=1
JOIN1=1
BUILD_IT=1
ONLY=tc_random,tc_chain,sg,join1,screening,misc
while [ $# -gt 0 ]; do
    case $1 in
        --quick) RUNS=1; JOIN1=0 ;;
        --runs) RUNS=$2; shift ;;
        --only) ONLY=$2; shift ;;
        --no-peers) PEERS=0 ;;
        --no-join1) JOIN1=0 ;;
        --no-build) BUILD_IT=0 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

PROG=$ROOT/bench/programs
NORMA=$BUILD/norma
GEN=$BUILD/bench/bench_gen
RU=$BUILD/bench/bench_rusage
OUT=$(mktemp -d "${TMPDIR:-/tmp}/norma-bench.XXXXXX")
RES=$OUT/results.tsv          # workload engine wall rss exit cpu
trap 'rm -rf "$OUT"' EXIT

log() { printf '%s\n' "$*" >&2; }

# ---- build ---------------------------------------------------------------------------
if [ $BUILD_IT = 1 ]; then
    log "== building Release in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    if ! cmake --build "$BUILD" -j2 --target norma bench_gen bench_rusage query1m relmem > "$OUT/build.log" 2>&1; then
        tail -20 "$OUT/build.log" >&2
        log "run.sh: the Release build failed (see above); --no-build uses the binaries in $BUILD"
        exit 1
    fi
fi

# ---- data ----------------------------------------------------------------------------
STAMP=$(cksum < "$ROOT/bench/gen.c" | cut -d' ' -f1)
if [ "$(cat "$DATA/.stamp" 2>/dev/null)" != "$STAMP" ]; then
    log "== generating data in $DATA"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    for w in tc_random tc_chain sg join1 screening rules10k facts1m; do
        "$GEN" "$w" "$DATA/$w" 2>>"$DATA/gen.log"
    done
    echo "$STAMP" > "$DATA/.stamp"
fi

HAVE_SWIPL=0; HAVE_CLINGO=0
if [ $PEERS = 1 ]; then
    command -v swipl >/dev/null && HAVE_SWIPL=1 || log "swipl not found: skipped (apt-get install swi-prolog-nox)"
    command -v clingo >/dev/null && HAVE_CLINGO=1 || log "clingo not found: skipped (apt-get install gringo)"
fi

# measure WORKLOAD ENGINE RUNS CMD... — runs CMD RUNS times under the wrapper, output
# to $OUT/WORKLOAD.ENGINE.out (the last run's), one result line per run.
measure() {
    local w=$1 eng=$2 n=$3; shift 3
    local i line
    for ((i = 1; i <= n; i++)); do
        : > "$OUT/ru"
        "$RU" -t "$TIMEOUT" -o "$OUT/ru" "$@" > "$OUT/$w.$eng.out" 2> "$OUT/$w.$eng.err" || true
        line=$(cat "$OUT/ru")
        printf '%s\t%s\t%s\n' "$w" "$eng" "$(tr ' ' '\t' <<< "$line")" >> "$RES"
        log "   $w $eng run $i: $line"
        case $line in *timeout*) break ;; esac   # a timeout is not retried
    done
}

# Untimed tuple count of a Norma program's relation REL (an aggregate rule appended).
norma_count() {
    local prog=$1 rel=$2 facts=$3 tmp=$OUT/count_$rel.norma
    sed 's/^module .*/module count_'"$rel"'/' "$prog" > "$tmp"
    printf 'pred bench_total(n: int)\nrule bench_tot: bench_total(n) if n = count(x, y for %s(x, y))\n' "$rel" >> "$tmp"
    "$NORMA" run "$tmp" --facts "$facts" --no-provenance --query 'bench_total(n)' | sed 's/.*(\(.*\))/\1/'
}

declare -A TUPLES
graph_workload() {   # WORKLOAD PROGRAM REL GROUND-QUERY RUNS
    local w=$1 p=$2 rel=$3 q=$4 n=$5 d=$DATA/$1
    log "== $w"
    # join1's count would cost another full run: taken from SWI-Prolog's output instead
    [ "$w" = join1 ] || TUPLES[$w]=$(norma_count "$PROG/$p.norma" "$rel" "$d/facts")
    measure "$w" norma "$n" "$NORMA" run "$PROG/$p.norma" --facts "$d/facts" --query "$q"
    measure "$w" norma_noprov "$n" "$NORMA" run "$PROG/$p.norma" --facts "$d/facts" --query "$q" --no-provenance
    if [ $HAVE_SWIPL = 1 ]; then
        measure "$w" swipl "$n" swipl -O -g "consult('$d/facts.lp'),bench_main" -t halt "$PROG/$p.pl"
        local got; got=$(tr -d '\n' < "$OUT/$w.swipl.out")
        [ -n "${TUPLES[$w]:-}" ] || TUPLES[$w]=$got
        [ -z "$got" ] || [ "$got" = "${TUPLES[$w]}" ] || log "!! $w: swipl counts $got tuples, Norma ${TUPLES[$w]}"
    fi
    if [ $HAVE_CLINGO = 1 ]; then
        measure "$w" clingo "$n" clingo -q "$PROG/$p.lp" "$d/facts.lp"
    fi
}

want tc_random && graph_workload tc_random tc path 'path(0, 0)' "$RUNS"
want tc_chain && graph_workload tc_chain tc path 'path(0, 0)' "$RUNS"
want sg && graph_workload sg sg sg 'sg(0, 0)' "$RUNS"
if want join1 && [ $JOIN1 = 1 ]; then
    # ~918,000,000 derivation attempts for a/2 (the relations are dense over 1,000
    # values): one run per engine, under its own timeout.
    SAVED_TIMEOUT=$TIMEOUT; TIMEOUT=${BENCH_JOIN1_TIMEOUT:-180}
    graph_workload join1 join1 a 'a(0, 0)' 1
    TIMEOUT=$SAVED_TIMEOUT
fi

if want screening; then
    log "== screening"
    d=$DATA/screening/facts
    TUPLES[screening]="$(($(wc -l < "$d/disseminated.tsv") + $(wc -l < "$d/leaked.tsv") - 2)) rows"
    measure screening norma "$RUNS" "$NORMA" run "$PROG/screening.norma" --facts "$d" \
        --query 'guilty(p)' --query 'circumstance(p, c)'
    measure screening norma_noprov "$RUNS" "$NORMA" run "$PROG/screening.norma" --facts "$d" \
        --query 'guilty(p)' --query 'circumstance(p, c)' --no-provenance
    GUILTY=$(grep -c '^guilty' "$OUT/screening.norma.out" || true)
    # the same declarations and fact files with one trivial rule: the cost of loading
    sed '/^rule art1/,$d; s/^module screening/module screening_load/' "$PROG/screening.norma" > "$OUT/screening_load.norma"
    printf 'pred loaded(p: Unit)\nrule loaded: loaded(p) if provides(p, network_access)\n' >> "$OUT/screening_load.norma"
    measure screening_load norma_noprov "$RUNS" "$NORMA" run "$OUT/screening_load.norma" --facts "$d" \
        --query 'loaded(p00000)' --no-provenance
fi

MISC=""
if want misc; then
    log "== parse and check 10,000 lines; norma test examples; query at 1,000,000 facts; memory"
    measure rules10k norma "$((RUNS < 3 ? 3 : RUNS))" "$NORMA" check "$DATA/rules10k/rules10k.norma"
    (cd "$ROOT" && measure examples norma "$((RUNS < 3 ? 3 : RUNS))" "$NORMA" test examples)
    EXPECTS=$(tail -1 "$OUT/examples.norma.out")
    grep -q 'error' "$OUT/examples.norma.err" && EXPECTS="$EXPECTS (errors: $(grep -c ': error:' "$OUT/examples.norma.err") — $(grep -m1 ': error:' "$OUT/examples.norma.err"))"
    NCASES=$(grep -c '^case ' "$OUT/examples.norma.out" || true)
    Q1M=$("$BUILD/bench/query1m" "$DATA/facts1m" 21)
    RELMEM=$("$BUILD/bench/relmem")
fi

# ---- the table -----------------------------------------------------------------------
# med WORKLOAD ENGINE FIELD — median of field 3 (wall), 4 (rss KB) or 6 (cpu) over ok runs;
# "timeout"/"error" when no run succeeded.
med() {
    awk -F'\t' -v w="$1" -v e="$2" -v f="$3" '
        $1 == w && $2 == e { if ($5 == "0" || $5 == "10" || $5 == "20" || $5 == "30" || (w == "examples" && $5 == "1")) v[n++] = $f;
                             else bad = $5 }
        END {
            if (n == 0) { print (bad == "" ? "-" : bad); exit }
            for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            print (n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2)
        }' "$RES"
}
num() { [[ $1 =~ ^[0-9.]+$ ]]; }
fmt_s() { num "$1" && printf '%.3f' "$1" || printf '%s' "$1"; }
fmt_mb() { num "$1" && printf '%.0f' "$(awk -v k="$1" 'BEGIN { print k / 1024 }')" || printf '%s' "$1"; }
ratio() { num "$1" && num "$2" && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || printf '-'; }
le() { num "$1" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
ge() { num "$1" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
mark() { if ! num "$2"; then printf 'not measured'; elif "$@"; then printf 'met'; else printf '**missed**'; fi; }

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain -- engine grammar cli 2>/dev/null)" ] || REV="$REV + uncommitted changes"
{
    echo
    echo "Norma benchmark suite — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $LOAD (at the end), engine $REV"
    echo "runs per engine: $RUNS (join1: 1); times are medians of wall seconds (cpu = user+system seconds), memory"
    echo "the median peak RSS in MB; norma = provenance on (the default), noprov = --no-provenance;"
    echo "×swipl, ×clingo = peer wall time / norma wall time (cpu ratio in parentheses)"
    echo
    echo "| workload | tuples | norma s | cpu | MB | noprov s | cpu | MB | prov cost time | mem | swipl s | MB | clingo s | MB | ×swipl | ×clingo |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for w in tc_random tc_chain sg join1 screening screening_load; do
        grep -q "^$w	" "$RES" 2>/dev/null || continue
        nt=$(med $w norma 3); nm=$(med $w norma 4)
        ft=$(med $w norma_noprov 3); fm=$(med $w norma_noprov 4)
        st=$(med $w swipl 3); sm=$(med $w swipl 4)
        ct=$(med $w clingo 3); cm=$(med $w clingo 4)
        nc=$(med $w norma 6); fc=$(med $w norma_noprov 6); sc=$(med $w swipl 6); cc=$(med $w clingo 6)
        echo "| $w | ${TUPLES[$w]:-} | $(fmt_s $nt) | $(fmt_s $nc) | $(fmt_mb $nm) | $(fmt_s $ft) | $(fmt_s $fc) | $(fmt_mb $fm) | $(ratio $nt $ft)× | $(ratio $nm $fm)× | $(fmt_s $st) | $(fmt_mb $sm) | $(fmt_s $ct) | $(fmt_mb $cm) | $(ratio $st $nt) ($(ratio $sc $nc)) | $(ratio $ct $nt) ($(ratio $cc $nc)) |"
    done
    echo
    if want misc; then
        echo "Other measurements:"
        echo "- parse and check a generated 10,000-line rule file (norma check, whole process): wall $(fmt_s "$(med rules10k norma 3)") s, cpu $(fmt_s "$(med rules10k norma 6)") s, $(fmt_mb "$(med rules10k norma 4)") MB"
        ex=$(med examples norma 3)
        npass=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' <<< "$EXPECTS")
        echo "- norma test examples: $NCASES cases, '$EXPECTS' in $(fmt_s "$ex") s = $(awk -v c="$NCASES" -v t="$ex" 'BEGIN { if (t > 0) printf "%.0f", c / t }') cases/s, $(awk -v p="${npass%% *}" -v f="${npass##* }" -v t="$ex" 'BEGIN { if (t > 0) printf "%.0f", (p + f) / t }') expectations/s"
        echo "- one conclusion at 1,000,000 facts (bench/query1m.c, in process, medians of 21; explain = nm_model_explain + text rendering): $Q1M"
        echo "- relation memory, bytes per tuple (1,000,000 pairs; nm_rel_bytes): $RELMEM"
        echo
    fi
    echo "Targets:"
    target_time() {   # LABEL WORKLOAD LIMIT
        local wt ct; wt=$(med "$2" norma 3); ct=$(med "$2" norma 6)
        echo "- $1 ≤ $3 s: wall $(fmt_s "$wt") s, cpu $(fmt_s "$ct") s (noprov wall $(fmt_s "$(med "$2" norma_noprov 3)"), cpu $(fmt_s "$(med "$2" norma_noprov 6)")) — wall $(mark le "$wt" "$3"), cpu $(mark le "$ct" "$3")"
    }
    target_time "random-graph closure" tc_random 0.7
    target_time "chain closure" tc_chain 0.5
    target_time "same-generation" sg 0.7
    target_time "screening incl. loading the TSV files" screening 2.5
    for w in tc_random tc_chain sg screening; do
        grep -q "^$w	" "$RES" 2>/dev/null || continue
        rt=$(ratio "$(med $w norma 3)" "$(med $w norma_noprov 3)"); rm=$(ratio "$(med $w norma 4)" "$(med $w norma_noprov 4)")
        echo "- $w provenance ≤ 1.3× time, ≤ 1.5× memory: ${rt}× / ${rm}× — $(mark le "$rt" 1.3) / $(mark le "$rm" 1.5)"
    done
    for w in tc_random tc_chain; do
        grep -q "^$w	" "$RES" 2>/dev/null || continue
        rs=$(ratio "$(med $w swipl 3)" "$(med $w norma 3)"); rc=$(ratio "$(med $w clingo 3)" "$(med $w norma 3)")
        rsc=$(ratio "$(med $w swipl 6)" "$(med $w norma 6)"); rcc=$(ratio "$(med $w clingo 6)" "$(med $w norma 6)")
        echo "- $w ≥ 4× faster than SWI-Prolog, ≥ 8× than clingo: wall ${rs}× / ${rc}× — $(mark ge "$rs" 4) / $(mark ge "$rc" 8); cpu ${rsc}× / ${rcc}× — $(mark ge "$rsc" 4) / $(mark ge "$rcc" 8)"
    done
    if want misc; then
        ib=$(awk '{ print ($6 > $8 ? $6 : $8) }' <<< "$RELMEM")
        echo "- ≤ 32 bytes per stored tuple per index: $ib — $(mark le "$ib" 32)"
        qm=$(awk '{ for (i = 1; i < NF; i++) if ($i == "query_ms") print $(i + 1) }' <<< "$Q1M")
        xm=$(awk '{ for (i = 1; i < NF; i++) if ($i == "explain_ms") print $(i + 1) }' <<< "$Q1M")
        wm=$(awk '{ for (i = 1; i < NF; i++) if ($i == "whynot_ms") print $(i + 1) }' <<< "$Q1M")
        if [ -n "$xm" ]; then
            echo "- explaining one conclusion ≤ 10 ms at 1,000,000 facts: why $xm ms, why not $wm ms (query $qm ms) — $(mark le "$xm" 10) / $(mark le "$wm" 10)"
        else
            echo "- one conclusion ≤ 10 ms at 1,000,000 facts: $qm ms (query; no explain in this build) — $(mark le "$qm" 10)"
        fi
        echo "- parse and check ≤ 50 ms for 10,000 lines: wall $(fmt_s "$(med rules10k norma 3)") s, cpu $(fmt_s "$(med rules10k norma 6)") s — $(mark le "$(med rules10k norma 3)" 0.05) / $(mark le "$(med rules10k norma 6)" 0.05)"
    fi
    [ -n "${GUILTY:-}" ] && echo && echo "(screening: $GUILTY providers guilty; data: $(tr '\n' ' ' < "$DATA/gen.log"))"
    true
} 2>/dev/null
