#!/usr/bin/env bash
# Benchmark the overhead of `stack exec` against a bare process start.
#   scripts/bench.sh   -> results in target/bench/{bench.md,bench.json}
# Runs inside a private Secret Service (with-keyring.sh) so `stack` can
# read the fake WorkOS secret it stored, without touching the real keyring.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bin=$root/target/release/stack
out=$root/target/bench

if [[ ${1:-} != --inside-keyring ]]; then
  bash scripts/install-deps.sh --bench
  cargo build --release
  mkdir -p "$out"
  # Re-enter this script inside the private keyring session.
  exec bash scripts/with-keyring.sh bash "$root/scripts/bench.sh" --inside-keyring
fi

true_bin=$(type -P true) # absolute path: hyperfine -N runs without a shell
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
cd "$project"

# Fake credentials: --no-verify keeps it offline.
WORKOS_API_KEY=sk_test_FAKEBENCHKEY0000000001 \
  WORKOS_CLIENT_ID=client_FAKEBENCH0000000001 \
  "$bin" add workos --from-env --no-verify </dev/null

# Sanity check before timing: exec must actually work.
"$bin" -C "$project" exec -- "$true_bin"

q() { printf '%q' "$1"; } # hyperfine -N splits commands shell-style
hyperfine -N --warmup 20 --runs 200 \
  --export-markdown "$out/bench.md" --export-json "$out/bench.json" \
  -n true "$(q "$true_bin")" \
  -n 'stack exec -- true' "$(q "$bin") -C $(q "$project") exec -- $(q "$true_bin")" \
  -n 'stack --version' "$(q "$bin") --version"

echo
echo "## hyperfine (mean)"
cat "$out/bench.md"
echo
echo "## medians"
python3 - "$out/bench.json" <<'EOF'
import json, sys

results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print("| command | median (ms) | min (ms) | max (ms) |")
print("|:---|---:|---:|---:|")
for name, r in results.items():
    print(f"| `{name}` | {r['median'] * 1e3:.3f} | {r['min'] * 1e3:.3f} | {r['max'] * 1e3:.3f} |")
overhead = results["stack exec -- true"]["median"] - results["true"]["median"]
print(f"\nexec overhead = median(stack exec -- true) - median(true) = {overhead * 1e3:.3f} ms")
EOF
