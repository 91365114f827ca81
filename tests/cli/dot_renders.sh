#!/usr/bin/env bash
# tests/cli/dot_renders.sh NORMA — the DOT form of an explanation renders with
# Graphviz (`dot -Tsvg`): the graph is well formed and every node is drawn.
set -euo pipefail
norma=${1:?usage: dot_renders.sh NORMA}
command -v dot >/dev/null || { echo "dot not installed"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$norma" explain examples/hu.norma --case hu --query 'nsp(胡某)' --format dot | dot -Tsvg > "$out"
grep -q '<svg' "$out"
nodes=$("$norma" explain examples/hu.norma --case hu --query 'nsp(胡某)' --format dot | grep -c '^ *n[0-9]* \[')
drawn=$(grep -c 'class="node"' "$out")
[ "$nodes" = "$drawn" ] || { echo "dot: $nodes nodes declared, $drawn drawn"; exit 1; }
echo "dot: 1 passed, 0 failed ($drawn nodes drawn)"
