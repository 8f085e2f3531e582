#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (the targets live in fuzz/fuzz_targets/, one per parser/editor:
# stack_toml, dotenv, catalog, mask), each for SECONDS (default 180); then, at length, the
# property tests (tests/it/props.rs) and the masker's seeded loop (tests/it/mask.rs) from a
# fresh seed. A crash stops the run (exit 1) and leaves its input in fuzz/artifacts/<target>/;
# `RUSTC_BOOTSTRAP=1 cargo fuzz run --dev -s none <target> <that file>` replays it.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   scripts/fuzz.sh --quick SECONDS      (the test suite's step: a quick build, the
#                                         targets only, corpora grown in a temporary dir)
#
# On stable Rust. cargo-fuzz passes nightly-only flags to rustc, which RUSTC_BOOTSTRAP=1
# accepts on a stable toolchain, so CI needs no nightly. No sanitizer (`-s none`): stack
# forbids unsafe code (`unsafe_code = "deny"`), so AddressSanitizer would watch only the
# dependencies, and the targets check logic (properties, panics), which needs none; without
# it the runs are faster (AddressSanitizer typically halves them). It does work on stable
# the same way, for a run that wants it: `STACK_FUZZ_SANITIZER=address scripts/fuzz.sh`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=false
if [[ ${1:-} == --quick ]]; then
  quick=true
  shift
fi
seconds=${1:-180}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(stack_toml dotenv mcp_json catalog mask)
fi
sanitizer=${STACK_FUZZ_SANITIZER:-none}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked --version '^0.13'
fi

export RUSTC_BOOTSTRAP=1
# Quick: an unoptimized build, for runs of seconds (here about 1.5 minutes from scratch on
# 2 cores; cargo-fuzz's default optimized build took 9, with codegen-units 1). At length:
# optimized, with parallel codegen to keep that build shorter.
if $quick; then
  build=(--dev --sanitizer "$sanitizer")
else
  build=(--release --codegen-units 16 --sanitizer "$sanitizer")
fi
cargo fuzz build "${build[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
  echo "fuzz: $target for ${seconds}s" >&2
  # Seeds: the checked-in fuzz/corpus/<target>/seed-*; for the manifest parser, the real
  # manifests. New inputs go to the first directory: in a quick run a temporary one, so the
  # tree stays clean; otherwise fuzz/corpus/<target> (ignored by git), to build on next time.
  seeds=(fuzz/corpus/"$target")
  [[ $target == catalog ]] && seeds=(providers)
  grown=fuzz/corpus/$target
  $quick && grown=$work/$target
  mkdir -p "$grown"
  corpus=("$grown")
  [[ ${seeds[0]} == "$grown" ]] || corpus+=("${seeds[@]}")
  # -timeout: an input taking longer than that is a hang, reported like a crash.
  cargo fuzz run "${build[@]}" "$target" "${corpus[@]}" -- \
    -max_total_time="$seconds" -timeout=20 -print_final_stats=1 2>"$work/log" || {
    # The panic, then libFuzzer's report (the input in Base64, how to reproduce it),
    # without the progress lines and backtrace frames.
    grep -m1 -A4 'panicked at' "$work/log" >&2 || true
    grep -vE '^#[0-9]+\s|^\s+(at |[0-9]+: )' "$work/log" | tail -n 40 >&2
    echo "fuzz: $target failed; its input is in fuzz/artifacts/$target/" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units' "$work/log" | sed "s/^/fuzz: $target /" >&2 || true
done

if $quick; then
  exit 0
fi
seed=${STACK_FUZZ_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
cases=${STACK_FUZZ_CASES:-200000}
echo "fuzz: property tests and the masker's loop, seed $seed, $cases cases" >&2
PROPTEST_CASES=$((cases / 20)) PROPTEST_RNG_SEED=$seed cargo test --release --test it -- props::
STACK_FUZZ_SEED=$seed STACK_FUZZ_CASES=$cases cargo test --release --test it -- mask::random_
