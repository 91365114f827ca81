#!/usr/bin/env bash
# tools/demo.sh — the main job on a fresh machine: install what is missing, build, check
# the bundled law (stdlib/) and the encoded cases, then run the three judgments —
# each case's conclusions with the explanation that cites the articles deciding them —
# and the whole regression suite of cases.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh build
echo "== norma check stdlib examples tests/cases"
./build/norma check stdlib examples tests/cases && echo "ok: the law and the cases check cleanly"
for f in examples/hu.norma examples/li_xiaoquan.norma examples/he_xueqin.norma; do
  echo
  echo "== norma run $f"
  ./build/norma run "$f"
done
echo
echo "== norma test examples tests/cases"
./build/norma test examples tests/cases | tail -n 1
