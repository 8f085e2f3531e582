#!/usr/bin/env bash
# The performance record: median times of what users run most, each next to a bare
# process start so the ratio survives a noisy machine.
#   scripts/bench.sh   -> table on stdout, raw results in target/bench/
# Runs inside a private Secret Service (with-keyring.sh) and a throwaway OpenBao dev
# server, with fake credentials only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bin=$root/target/release/stack
out=$root/target/bench

if [[ ${1:-} != --inside-keyring ]]; then
  bash scripts/install-deps.sh --bench
  cargo build --release
  rm -rf "$out" && mkdir -p "$out"
  exec bash scripts/with-keyring.sh bash "$root/scripts/bench.sh" --inside-keyring
fi

true_bin=$(type -P true) # absolute path: hyperfine -N runs without a shell
work=$(mktemp -d)
bao_pid=
cleanup() {
  [[ -n $bao_pid ]] && kill "$bao_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A throwaway OpenBao for the team vault.
bao_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bao server -dev -dev-root-token-id=bench-token -dev-listen-address="127.0.0.1:$bao_port" \
  >"$work/bao.log" 2>&1 &
bao_pid=$!
export VAULT_ADDR=http://127.0.0.1:$bao_port VAULT_TOKEN=bench-token
for _ in $(seq 100); do
  bao status >/dev/null 2>&1 && break
  sleep 0.1
done

age-keygen -o "$work/key.txt" 2>/dev/null
identity=$(grep '^AGE-SECRET-KEY-' "$work/key.txt")

# One project per vault, with the two WorkOS slots stored in it.
export WORKOS_API_KEY=sk_test_FAKEBENCHKEY0000000001 WORKOS_CLIENT_ID=client_FAKEBENCH0000000001
setup() { # name, extra environment...
  local dir=$work/$1
  mkdir -p "$dir"
  shift
  (cd "$dir" && env "$@" "$bin" -q add workos --from-env --no-verify </dev/null)
  echo "$dir"
}
p_keychain=$(setup keychain STACK_VAULT=keychain)
p_file_id=$(setup file-id STACK_VAULT=file STACK_VAULT_FILE="$work/id.age" STACK_AGE_IDENTITY="$identity")
p_file_pw=$(setup file-pw STACK_VAULT=file STACK_VAULT_FILE="$work/pw.age" STACK_VAULT_PASSPHRASE=bench-FAKE-passphrase)
p_bao=$(setup bao STACK_VAULT=bao)
p_env=$(setup keychain-env STACK_VAULT=keychain) # env reads the variables already exported

q() { printf '%q' "$1"; } # hyperfine -N splits commands shell-style
exec_cmd() { echo "$(q "$bin") -C $(q "$1") exec -- $(q "$true_bin")"; }

run() { # name, hyperfine args...
  local name=$1
  shift
  hyperfine -N --warmup 10 --runs "${RUNS:-100}" --export-json "$out/$name.json" "$@" >/dev/null
}

# hyperfine's output is not a terminal, so exec masks by default (stays the parent);
# --no-mask measures the terminal path, where stack becomes the command.
run exec-keychain -n 'true' "$(q "$true_bin")" \
  -n 'stack exec -- true (keychain)' "$(exec_cmd "$p_keychain")" \
  -n 'stack exec --no-mask -- true (keychain)' \
  "$(q "$bin") -C $(q "$p_keychain") exec --no-mask -- $(q "$true_bin")"
STACK_VAULT=file STACK_VAULT_FILE=$work/id.age STACK_AGE_IDENTITY=$identity \
  run exec-file-id -n 'stack exec -- true (file, identity)' "$(exec_cmd "$p_file_id")"
STACK_VAULT=file STACK_VAULT_FILE=$work/pw.age STACK_VAULT_PASSPHRASE=bench-FAKE-passphrase RUNS=20 \
  run exec-file-pw -n 'stack exec -- true (file, passphrase)' "$(exec_cmd "$p_file_pw")"
STACK_VAULT=bao run exec-bao -n 'stack exec -- true (bao)' "$(exec_cmd "$p_bao")"
STACK_VAULT=env run exec-env -n 'stack exec -- true (env)' "$(exec_cmd "$p_env")"
run recommend -n 'stack recommend' "$(q "$bin") recommend $(q 'enterprise sso for a b2b app')"
run version -n 'stack --version' "$(q "$bin") --version"

# Masking throughput: 64 MiB of base64 text through `stack exec --mask -- cat`.
head -c $((48 * 1024 * 1024)) /dev/urandom | base64 >"$work/blob.txt"
blob_mb=$(($(stat -c %s "$work/blob.txt") / 1000000))
RUNS=5 run mask -n 'stack exec --mask -- cat (64 MiB)' \
  --output=null "$(q "$bin") -C $(q "$p_keychain") exec --mask -- cat $(q "$work/blob.txt")"
RUNS=5 run mask-plain -n 'cat (64 MiB)' --output=null "cat $(q "$work/blob.txt")"
echo "$blob_mb" >"$out/blob_mb"

python3 - "$out" <<'EOF'
import glob, json, os, sys

rows = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    for r in json.load(open(path))["results"]:
        rows[r["command"]] = r
base = rows["true"]["median"]
print("| command | median (ms) | over bare `true` (ms) |")
print("|:---|---:|---:|")
for name, r in rows.items():
    print(f"| `{name}` | {r['median'] * 1e3:.2f} | {(r['median'] - base) * 1e3:.2f} |")
mb = int(open(os.path.join(sys.argv[1], "blob_mb")).read())
masked = rows["stack exec --mask -- cat (64 MiB)"]["median"]
print(f"\nmasking throughput: {mb / masked:.0f} MB/s ({mb} MB through stack exec --mask -- cat)")
EOF
