#!/usr/bin/env bash
# Regenerate the checked-in shell completion scripts in completions/ from a built binary.
#
# Usage: scripts/completions.sh [PATH-TO-STACK]
#   Without an argument, builds target/debug/stack first and uses it.
# tests/it/completions.rs fails when completions/ differs from what the binary prints.
set -euo pipefail

cd "$(dirname "$0")/.."
if (($# > 0)); then
  bin=$1
else
  cargo build --quiet --bin stack
  bin=target/debug/stack
fi

mkdir -p completions
for pair in bash:stack.bash zsh:stack.zsh fish:stack.fish powershell:stack.ps1 elvish:stack.elv; do
  shell=${pair%%:*}
  file=completions/${pair#*:}
  "$bin" completion "$shell" >"$file.tmp"
  mv "$file.tmp" "$file"
  echo "wrote $file" >&2
done
