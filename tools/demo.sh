#!/usr/bin/env bash
# tools/demo.sh — the main job on a fresh machine: install what is missing, build,
# and run Norma over the bundled law (stdlib/) and encoded cases (examples/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh build
echo "== norma check stdlib examples"
./build/norma check stdlib examples && echo "ok: stdlib and examples check cleanly"
