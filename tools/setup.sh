#!/usr/bin/env bash
# tools/setup.sh — installs the Debian packages Norma needs to build and test, only
# those that are missing (as root, or through sudo when not root). Idempotent.
set -euo pipefail
pkgs=(build-essential cmake pkg-config flex bison libgc-dev libutf8proc-dev
      libjansson-dev libedit-dev libcriterion-dev clang libclang-rt-14-dev tmux
      gringo swi-prolog-nox graphviz)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
