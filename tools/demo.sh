#!/usr/bin/env bash
# tools/demo.sh — the main job on a fresh machine: install what is missing, build, check
# the bundled law (stdlib/) and encoded cases (examples/), and run every case: its
# verdicts, and whether each expectation the drafters pinned still holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh build
echo "== norma check stdlib examples"
./build/norma check stdlib examples && echo "ok: stdlib and examples check cleanly"
for f in examples/*.norma; do
  for c in $(sed -n 's/^case \([^ :]*\).*/\1/p' "$f"); do
    echo
    echo "== norma run $f --case $c"
    ./build/norma run "$f" --case "$c"
  done
done
echo
echo "== norma test examples"
./build/norma test examples
