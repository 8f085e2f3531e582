#!/usr/bin/env bash
# Randomized inputs at length for the masker and the .env reader/editor: the same
# properties the test suite checks briefly (output equals input with secrets replaced;
# edits touch one line; never a panic), from a fresh seed each run.
#   scripts/fuzz.sh [CASES]     (default 200000; the seed is printed, to reproduce)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seed=${STACK_FUZZ_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
cases=${1:-200000}
echo "fuzz: seed $seed, $cases cases per target" >&2
STACK_FUZZ_SEED=$seed STACK_FUZZ_CASES=$cases \
  cargo test --release --test mask --test fuzz_dotenv -- random_
