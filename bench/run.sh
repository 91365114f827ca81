#!/usr/bin/env bash
# bench/run.sh — Norma's benchmark suite: builds Release (build-bench/), generates the
# workloads with fixed seeds (bench/gen.c), runs Norma (provenance on and off),
# SWI-Prolog with tabling and clingo side by side, N times each, and prints a table of
# median wall time, peak memory, ratios and the targets of the suite (bench/README.md).
#
# Usage: bash bench/run.sh [--quick] [--runs N] [--only W1,W2] [--no-peers] [--no-join1]
#   --quick     1 run per engine, join1 skipped (the full run takes ~30 minutes)
#   --no-build  use the binaries already in the build directory
#   --only      workloads among tc_random,tc_chain,sg,join1,screening,misc
#   --smoke     the smoke run of ctest (bench.smoke): every workload but misc at tiny
#               sizes (gen --small, in a temporary directory), each engine once; exits 1
#               unless every engine gives the same answer counts, or a peer is missing.
#               Implies --no-build; BENCH_BUILD names the build to test.
# Environment: BENCH_BUILD (default build-bench), BENCH_DATA (default
# /tmp/norma-bench-data; regenerated when bench/gen.c changes), BENCH_TIMEOUT (seconds
# per run, default 300, 60 with --smoke; BENCH_JOIN1_TIMEOUT for join1, default 180).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/norma-bench-data}
TIMEOUT=${BENCH_TIMEOUT:-300}
RUNS=5
PEERS=1
JOIN1=1
BUILD_IT=1
SMOKE=0
ONLY=tc_random,tc_chain,sg,join1,screening,misc
while [ $# -gt 0 ]; do
    case $1 in
        --quick) RUNS=1; JOIN1=0 ;;
        --runs) RUNS=$2; shift ;;
        --only) ONLY=$2; shift ;;
        --no-peers) PEERS=0 ;;
        --no-join1) JOIN1=0 ;;
        --no-build) BUILD_IT=0 ;;
        --smoke) SMOKE=1; RUNS=1; BUILD_IT=0 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }
if [ $SMOKE = 1 ]; then
    TIMEOUT=${BENCH_TIMEOUT:-60}
    ONLY=${ONLY/misc/}
fi

PROG=$ROOT/bench/programs
NORMA=$BUILD/norma
GEN=$BUILD/bench/bench_gen
RU=$BUILD/bench/bench_rusage
OUT=$(mktemp -d "${TMPDIR:-/tmp}/norma-bench.XXXXXX")
RES=$OUT/results.tsv          # workload engine wall rss exit cpu
trap 'rm -rf "$OUT"' EXIT
[ $SMOKE = 0 ] || DATA=$OUT/data

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
for f in "$NORMA" "$GEN" "$RU"; do
    [ -x "$f" ] || { log "run.sh: $f is missing (build the targets norma bench_gen bench_rusage)"; exit 2; }
done
STAMP=$(cksum < "$ROOT/bench/gen.c" | cut -d' ' -f1)
if [ $SMOKE = 1 ]; then
    mkdir -p "$DATA"
    for w in tc_random tc_chain sg join1 screening; do
        "$GEN" "$w" "$DATA/$w" --small 2>>"$DATA/gen.log"
    done
elif [ "$(cat "$DATA/.stamp" 2>/dev/null)" != "$STAMP" ]; then
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
    missing=()
    if command -v swipl >/dev/null; then HAVE_SWIPL=1; else missing+=("swipl (apt-get install swi-prolog-nox)"); fi
    if command -v clingo >/dev/null; then HAVE_CLINGO=1; else missing+=("clingo (apt-get install gringo)"); fi
    for m in "${missing[@]}"; do
        if [ $SMOKE = 1 ]; then log "bench smoke: FAILED — $m not found; tools/setup.sh installs the peers"; else log "$m not found: skipped"; fi
    done
    [ $SMOKE = 0 ] || [ ${#missing[@]} = 0 ] || exit 1
fi

# measure WORKLOAD ENGINE RUNS CMD... — runs CMD RUNS times under the wrapper, output
# to $OUT/WORKLOAD.ENGINE.out (the last run's), one result line per run; the last
# run's exit status (or "timeout") in EXIT_OF[WORKLOAD.ENGINE].
declare -A EXIT_OF
measure_once() {   # WORKLOAD ENGINE I CMD... — run I; false after a timeout
    local w=$1 eng=$2 i=$3 line; shift 3
    : > "$OUT/ru"
    "$RU" -t "$TIMEOUT" -o "$OUT/ru" "$@" > "$OUT/$w.$eng.out" 2> "$OUT/$w.$eng.err" || true
    line=$(cat "$OUT/ru")
    printf '%s\t%s\t%s\n' "$w" "$eng" "$(tr ' ' '\t' <<< "$line")" >> "$RES"
    log "   $w $eng run $i: $line"
    EXIT_OF[$w.$eng]=$(cut -d' ' -f3 <<< "$line")
    case $line in *timeout*) return 1 ;; esac   # a timeout is not retried
}
measure() {
    local w=$1 eng=$2 n=$3 i; shift 3
    for ((i = 1; i <= n; i++)); do
        measure_once "$w" "$eng" "$i" "$@" || break
    done
}
# measure_norma WORKLOAD RUNS NORMA-ARGS... — Norma with provenance (engine norma) and
# with --no-provenance added (norma_noprov), their runs alternating — why: the ratio of
# the two is a target, and on a shared machine the neighbours' load changes within
# seconds; alternating puts both sides of the ratio under the same load.
measure_norma() {
    local w=$1 n=$2 i a=1 b=1; shift 2
    for ((i = 1; i <= n; i++)); do
        [ $a = 1 ] && { measure_once "$w" norma "$i" "$NORMA" "$@" || a=0; }
        [ $b = 1 ] && { measure_once "$w" norma_noprov "$i" "$NORMA" "$@" --no-provenance || b=0; }
    done
}

# Untimed tuple count of a Norma program's relation REL (an aggregate rule appended).
norma_count() {
    local prog=$1 rel=$2 facts=$3
    local tmp=$OUT/count_$rel.norma
    sed 's/^module .*/module count_'"$rel"'/' "$prog" > "$tmp"
    printf 'pred bench_total(n: int)\nrule bench_tot: bench_total(n) if n = count(x, y for %s(x, y))\n' "$rel" >> "$tmp"
    "$NORMA" run "$tmp" --facts "$facts" --no-provenance --query 'bench_total(n)' | sed 's/.*(\(.*\))/\1/'
}

# ---- answer counts: the peers' are checked against Norma's (--smoke: every engine's,
# and a difference fails the run) --------------------------------------------------------
declare -A COUNTS   # WORKLOAD.ENGINE -> its counts, "N1 N2 ..." in the order of the relations
SMOKE_FAILED=()

# norma_answers WORKLOAD ENGINE REL... — the number of answers of each REL in the output
norma_answers() {
    local w=$1 e=$2 r counts=(); shift 2
    for r; do counts+=("$(grep -c "^$r(" "$OUT/$w.$e.out" || true)"); done
    echo "${counts[*]}"
}

# clingo_counter FILE REL/ARITY... — an ASP file, given to clingo after the program,
# that counts the atoms of each REL and shows those counts: bench_count(REL,N).
clingo_counter() {
    local f=$1 spec rel vars i; shift
    : > "$f"
    for spec; do
        rel=${spec%/*} vars=""
        for ((i = 1; i <= ${spec#*/}; i++)); do vars+="${vars:+, }V$i"; done
        printf 'bench_count(%s, N) :- N = #count{ %s : %s(%s) }.\n' "$rel" "$vars" "$rel" "$vars" >> "$f"
    done
    echo '#show bench_count/2.' >> "$f"
}

# clingo_answers WORKLOAD REL... — the counts of clingo_counter in clingo's output
clingo_answers() {
    local w=$1 r counts=(); shift
    for r; do counts+=("$(grep -o "bench_count($r,[0-9]*)" "$OUT/$w.clingo.out" | tr -dc '0-9')"); done
    echo "${counts[*]}"
}

# compare_counts WORKLOAD — every engine that gave counts must give the same ones. A
# difference is reported; with --smoke it fails the run, and so does an engine that
# gave none (it failed or timed out).
compare_counts() {
    local w=$1 e ref="" have=0 bad=0 all=""
    for e in norma norma_noprov swipl clingo; do
        [ -n "${COUNTS[$w.$e]+set}" ] || continue
        local c=${COUNTS[$w.$e]}
        if [ -z "${c// /}" ]; then
            all+="${all:+, }$e none (exit ${EXIT_OF[$w.$e]:-?})"
            [ $SMOKE = 0 ] || bad=1
            continue
        fi
        all+="${all:+, }$e $c"
        if [ $have = 0 ]; then ref=$c have=1; elif [ "$c" != "$ref" ]; then bad=1; fi
    done
    if [ $bad = 1 ]; then
        log "!! $w: the engines' answer counts differ: $all"
        SMOKE_FAILED+=("$w: $all")
    elif [ $SMOKE = 1 ]; then
        log "   $w: every engine counts $ref ($all)"
    fi
}

declare -A TUPLES
graph_workload() {   # WORKLOAD PROGRAM REL GROUND-QUERY RUNS [NORMA-RUNS]
    local w=$1 p=$2 rel=$3 q=$4 n=$5 nn=${6:-$5} d=$DATA/$1
    log "== $w"
    if [ $SMOKE = 1 ]; then
        q="$rel(x, y)"   # every tuple, counted in the output
    elif [ "$w" != join1 ]; then
        # join1's count would cost another full run: taken from SWI-Prolog's output instead
        TUPLES[$w]=$(norma_count "$PROG/$p.norma" "$rel" "$d/facts")
        COUNTS[$w.norma]=${TUPLES[$w]}
    fi
    measure_norma "$w" "$nn" run "$PROG/$p.norma" --facts "$d/facts" --query "$q"
    if [ $SMOKE = 1 ]; then
        COUNTS[$w.norma]=$(norma_answers "$w" norma "$rel")
        COUNTS[$w.norma_noprov]=$(norma_answers "$w" norma_noprov "$rel")
        TUPLES[$w]=${COUNTS[$w.norma]}
    fi
    if [ $HAVE_SWIPL = 1 ]; then
        measure "$w" swipl "$n" swipl -O -g "consult('$d/facts.lp'),bench_main" -t halt "$PROG/$p.pl"
        COUNTS[$w.swipl]=$(tr -d '\n' < "$OUT/$w.swipl.out")
        [ -n "${TUPLES[$w]:-}" ] || TUPLES[$w]=${COUNTS[$w.swipl]}
    fi
    if [ $HAVE_CLINGO = 1 ]; then
        if [ $SMOKE = 1 ]; then
            clingo_counter "$OUT/count_$w.lp" "$rel/2"
            measure "$w" clingo "$n" clingo "$PROG/$p.lp" "$d/facts.lp" "$OUT/count_$w.lp"
            COUNTS[$w.clingo]=$(clingo_answers "$w" "$rel")
        else
            measure "$w" clingo "$n" clingo -q "$PROG/$p.lp" "$d/facts.lp"
        fi
    fi
    compare_counts "$w"
}

want tc_random && graph_workload tc_random tc path 'path(0, 0)' "$RUNS"
want tc_chain && graph_workload tc_chain tc path 'path(0, 0)' "$RUNS"
want sg && graph_workload sg sg sg 'sg(0, 0)' "$RUNS"
if want join1 && [ $JOIN1 = 1 ]; then
    # ~918,000,000 derivation attempts for a/2 (the relations are dense over 1,000
    # values): one run per peer, under its own timeout; three of Norma's (with and
    # without provenance alternating), as one 40-second run on the shared machine
    # moves by a quarter with the neighbours' load and the ratio of the two is a target.
    SAVED_TIMEOUT=$TIMEOUT; [ $SMOKE = 1 ] || TIMEOUT=${BENCH_JOIN1_TIMEOUT:-180}
    graph_workload join1 join1 a 'a(0, 0)' 1 $([ $SMOKE = 1 ] || [ "$RUNS" -lt 3 ] && echo 1 || echo 3)
    TIMEOUT=$SAVED_TIMEOUT
fi

if want screening; then
    # Norma prints the verdicts, guilty(p) and circumstance(p, c) (~5,200 lines), and so
    # does clingo (#show); SWI-Prolog prints their counts and that of refused(p, o, dl).
    # The smoke run also counts refused(p, o, dl). The peers run once: each run takes
    # minutes, nearly all of it reading the 9,000,000 facts of facts.lp.
    log "== screening"
    d=$DATA/screening
    TUPLES[screening]="$(($(wc -l < "$d/facts/disseminated.tsv") + $(wc -l < "$d/facts/leaked.tsv") - 2)) rows"
    rels=(guilty circumstance)
    queries=(--query 'guilty(p)' --query 'circumstance(p, c)')
    if [ $SMOKE = 1 ]; then
        rels+=(refused)
        queries+=(--query 'refused(p, o, dl)')
    fi
    measure_norma screening "$RUNS" run "$PROG/screening.norma" --facts "$d/facts" "${queries[@]}"
    COUNTS[screening.norma]=$(norma_answers screening norma "${rels[@]}")
    COUNTS[screening.norma_noprov]=$(norma_answers screening norma_noprov "${rels[@]}")
    if [ $HAVE_SWIPL = 1 ]; then
        measure screening swipl 1 swipl -O -g "consult('$d/facts.lp'),bench_main" -t halt \
            "$PROG/screening.pl"
        COUNTS[screening.swipl]=$(cut -d' ' -f1-${#rels[@]} < "$OUT/screening.swipl.out")
    fi
    if [ $HAVE_CLINGO = 1 ]; then
        if [ $SMOKE = 1 ]; then
            clingo_counter "$OUT/count_screening.lp" guilty/1 circumstance/2 refused/3
            measure screening clingo 1 clingo "$PROG/screening.lp" "$d/facts.lp" "$OUT/count_screening.lp"
            COUNTS[screening.clingo]=$(clingo_answers screening "${rels[@]}")
        else
            measure screening clingo 1 clingo "$PROG/screening.lp" "$d/facts.lp"
            COUNTS[screening.clingo]="$(grep -o '\bguilty(' "$OUT/screening.clingo.out" | wc -l) $(grep -o '\bcircumstance(' "$OUT/screening.clingo.out" | wc -l)"
        fi
    fi
    compare_counts screening
    if [ $SMOKE = 0 ]; then
        # the same declarations and fact files with one trivial rule: the cost of loading
        sed '/^rule art1/,$d; s/^module screening/module screening_load/' "$PROG/screening.norma" > "$OUT/screening_load.norma"
        printf 'pred loaded(p: Unit)\nrule loaded: loaded(p) if provides(p, network_access)\n' >> "$OUT/screening_load.norma"
        measure screening_load norma_noprov "$RUNS" "$NORMA" run "$OUT/screening_load.norma" --facts "$d/facts" \
            --query 'loaded(p00000)' --no-provenance
    fi
fi

if [ $SMOKE = 1 ]; then
    if [ ${#SMOKE_FAILED[@]} -gt 0 ]; then
        log "bench smoke: FAILED — the engines disagree (or one gave no answer):"
        for f in "${SMOKE_FAILED[@]}"; do log "  $f"; done
        for f in "$OUT"/*.err; do
            [ -s "$f" ] && { log "-- $(basename "$f"):"; head -5 "$f" >&2; }
        done
        exit 1
    fi
    log "bench smoke: ok — every engine gives the same answer counts on $(tr -s ',' ' ' <<< "$ONLY")"
    exit 0
fi

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
    echo "runs per engine: $RUNS (join1: Norma $([ $SMOKE = 1 ] || [ "$RUNS" -lt 3 ] && echo 1 || echo 3), the peers 1; the peers on screening: 1); times are medians of wall"
    echo "seconds (cpu = user+system seconds), memory the median peak RSS in MB; norma = provenance"
    echo "on (the default), noprov = --no-provenance;"
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
        echo "| $w | ${TUPLES[$w]:-} | $(fmt_s "$nt") | $(fmt_s "$nc") | $(fmt_mb "$nm") | $(fmt_s "$ft") | $(fmt_s "$fc") | $(fmt_mb "$fm") | $(ratio "$nt" "$ft")× | $(ratio "$nm" "$fm")× | $(fmt_s "$st") | $(fmt_mb "$sm") | $(fmt_s "$ct") | $(fmt_mb "$cm") | $(ratio "$st" "$nt") ($(ratio "$sc" "$nc")) | $(ratio "$ct" "$nt") ($(ratio "$cc" "$nc")) |"
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
    for w in tc_random tc_chain sg join1 screening; do
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
    if [ -n "${COUNTS[screening.norma]:-}" ]; then
        sc="norma ${COUNTS[screening.norma]}"
        for e in swipl clingo; do [ -z "${COUNTS[screening.$e]:-}" ] || sc+=", $e ${COUNTS[screening.$e]}"; done
        echo
        echo "(screening: guilty providers and circumstance rows: $sc; data: $(tr '\n' ' ' < "$DATA/gen.log"))"
    fi
    true
} 2>/dev/null
