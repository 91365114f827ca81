#!/usr/bin/env bash
# plant.sh — shows that the differential test catches engine bugs (tests/diff/README.md).
# Copies the source tree NORMA_SRC (without build directories) to a temporary
# directory, builds it (Release, tests off) and runs run.sh on the clean engine as a
# baseline; then, for each bugs/*.patch, applies the patch, rebuilds, runs run.sh with
# the same fixed seeds, expects it to FAIL, and reverts the patch. Prints
# `planted bug NAME: caught by seed S` per patch. Usage: plant.sh NORMA_SRC
# Environment: PLANT_SEED (default 1), PLANT_COUNT (default 500), PLANT_JOBS (build
# jobs, default 2). Exits 0 when every planted bug is caught and the clean engine
# passes; 1 otherwise; 77 (skipped) without clingo.
set -u

if [ $# -ne 1 ]; then
    echo "usage: plant.sh NORMA_SRC" >&2
    exit 2
fi
SRC=$(cd "$1" && pwd) || exit 2
HERE=$(cd "$(dirname "$0")" && pwd)
SEED=${PLANT_SEED:-1}
COUNT=${PLANT_COUNT:-500}
BJOBS=${PLANT_JOBS:-2}
if ! command -v "${CLINGO:-clingo}" >/dev/null 2>&1; then
    echo "plant.sh: clingo not found; skipping"
    exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/norma-plant.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TREE=$WORK/src
BUILD=$WORK/build
mkdir -p "$TREE"
(cd "$SRC" && tar --exclude='./build*' --exclude='./.git' -cf - .) | (cd "$TREE" && tar xf -) ||
    { echo "plant.sh: cannot copy $SRC" >&2; exit 2; }

build() {
    cmake --build "$BUILD" -j"$BJOBS" >"$WORK/build.log" 2>&1 ||
        { echo "plant.sh: build failed ($1):" >&2; tail -30 "$WORK/build.log" >&2; return 1; }
}

cmake -S "$TREE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DNORMA_TESTS=OFF >"$WORK/cmake.log" 2>&1 ||
    { echo "plant.sh: cmake failed:" >&2; tail -30 "$WORK/cmake.log" >&2; exit 2; }
build "clean engine" || exit 2
GEN=$WORK/norma_diffgen
"${CC:-cc}" -std=gnu11 -O2 -o "$GEN" "$HERE/gen.c" || exit 2

# diffrun LOG: run.sh over the fixed seeds with the current build; its exit status.
diffrun() {
    DIFF_KEEP=$WORK/fail DIFF_JOBS=${DIFF_JOBS:-2} \
        bash "$HERE/run.sh" "$BUILD/norma" "$SEED" "$COUNT" "$GEN" >"$1" 2>&1
}

status=0
start=$(date +%s)
if diffrun "$WORK/clean.log"; then
    echo "clean engine: $(tail -1 "$WORK/clean.log") (seeds $SEED..$((SEED + COUNT - 1)))"
else
    echo "clean engine FAILS the differential test (seeds $SEED..$((SEED + COUNT - 1))):"
    grep -m 20 -A 6 '^seed ' "$WORK/clean.log" | sed 's/^/  /'
    tail -1 "$WORK/clean.log" | sed 's/^/  /'
    status=1
fi

for patch in "$HERE"/bugs/*.patch; do
    name=$(basename "$patch" .patch)
    if ! patch -d "$TREE" -p1 -s --dry-run <"$patch" >/dev/null 2>&1; then
        echo "planted bug $name: the patch no longer applies to $SRC (refresh bugs/$name.patch)"
        status=1
        continue
    fi
    patch -d "$TREE" -p1 -s --no-backup-if-mismatch <"$patch"
    if build "$name"; then
        rm -rf "$WORK/fail"
        if diffrun "$WORK/$name.log"; then
            echo "planted bug $name: NOT caught by seeds $SEED..$((SEED + COUNT - 1))"
            status=1
        else
            first=$(grep -m1 -o '^seed [0-9]*' "$WORK/$name.log" | cut -d' ' -f2)
            why=$(grep -m1 '^seed ' "$WORK/$name.log" | sed 's/^seed [0-9]*: //')
            echo "planted bug $name: caught by seed $first ($why; $(tail -1 "$WORK/$name.log"))"
        fi
    else
        status=1
    fi
    patch -d "$TREE" -p1 -s -R --no-backup-if-mismatch <"$patch"
done
echo "plant.sh: $(($(date +%s) - start)) s of differential runs and rebuilds"
exit $status
