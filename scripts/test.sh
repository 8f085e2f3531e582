#!/usr/bin/env bash
# The project's one test command (CI runs it via .ci/run).
#   install deps -> fmt check -> clippy (both workspaces) -> fuzz briefly -> build ->
#   tests in a private keyring.
# Extra arguments go to the test runner, e.g. `scripts/test.sh exec::` (the integration
# tests are one binary, tests/it, a module per area; tests/zeroize.rs is its own).
# Works headless: CI=true, no stdin.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

# --locked only makes sense with a lock file.
locked=()
if [[ -f Cargo.lock ]]; then
  locked=(--locked)
fi

# fuzz/ is its own workspace (cargo-fuzz wants that): it is formatted and linted too.
echo "==> cargo fmt --check" >&2
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml --all -- --check

echo "==> cargo clippy" >&2
cargo clippy --all-targets "${locked[@]}" -- -D warnings
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets "${locked[@]}" -- -D warnings

# Each cargo-fuzz target in fuzz/ for a few seconds, on stable (see scripts/fuzz.sh, which
# installs cargo-fuzz when missing); a crash fails the run and names the input it saved.
echo "==> fuzz: each target for 10 s (scripts/fuzz.sh --quick 10)" >&2
bash scripts/fuzz.sh --quick 10

echo "==> cargo build" >&2
cargo build --release "${locked[@]}"
cargo test --all-targets --no-run "${locked[@]}"

# Tests find the binary through CARGO_BIN_EXE_stack; never a stray STACK_BIN.
unset STACK_BIN

# Snapshots of the human output (tests/it/snapshots/, insta): a difference fails the run.
# In CI nothing is written (INSTA_UPDATE=no, whatever was set); elsewhere insta leaves a
# .snap.new beside the old file for `cargo insta review`. Never force a pass.
unset INSTA_FORCE_PASS
if [[ -n "${CI:-}" ]]; then
  export INSTA_UPDATE=no
fi

# Plain `cargo test` so the output ends with cargo's usual summary lines.
# with-keyring.sh exports STACK_TEST_KEYRING=1 and the private bus address.
echo "==> cargo test (inside a private Secret Service)" >&2
exec bash scripts/with-keyring.sh cargo test --all-targets "${locked[@]}" "$@"
