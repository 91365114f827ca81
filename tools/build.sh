#!/usr/bin/env bash
# tools/build.sh [DIR [CMAKE-ARGS...]] — configures and builds Norma into DIR
# (default build/), Release with debug info.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}; shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
