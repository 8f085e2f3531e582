#!/usr/bin/env bash
# The performance record: a Markdown table of medians on this machine, each next to a bare
# process start (`true`) so the ratio survives a noisy machine, with the targets beside.
#   scripts/bench.sh            -> the table on stdout, raw hyperfine results in target/bench/
#   RUNS=30 scripts/bench.sh    -> fewer runs per command (default 100)
# Runs inside a private Secret Service (with-keyring.sh), a throwaway OpenBao dev server and
# a local provider mock, with fake credentials only. Timings are never asserted in tests:
# this script is where they are measured.
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
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A throwaway OpenBao for the team vault.
bao_port=$(free_port)
bao server -dev -dev-root-token-id=bench-token -dev-listen-address="127.0.0.1:$bao_port" \
  >"$work/bao.log" 2>&1 &
pids+=($!)
export VAULT_ADDR=http://127.0.0.1:$bao_port VAULT_TOKEN=bench-token
for _ in $(seq 100); do
  bao status >/dev/null 2>&1 && break
  sleep 0.1
done

# A provider mock that answers every request after 300 ms, many at once.
mock_port=$(free_port)
python3 - "$mock_port" >"$work/mock.log" 2>&1 <<'EOF' &
import http.server, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(0.3)
        body = b'{"data": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # the default backlog of 5 drops concurrent connects
Server(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
EOF
pids+=($!)

age-keygen -o "$work/key.txt" 2>/dev/null
identity=$(grep '^AGE-SECRET-KEY-' "$work/key.txt")

# User manifests (XDG_CONFIG_HOME is private to with-keyring.sh): one provider with 50
# secret slots, and 20 one-slot providers verified against the slow mock.
providers=$XDG_CONFIG_HOME/stack/providers
mkdir -p "$providers"
manifest_head() { # name
  printf 'name = "%s"\ndisplay_name = "%s"\ncategory = "database"\n' "$1" "$1"
  printf 'description = "benchmark only"\nkeywords = ["benchmark"]\n'
  printf 'docs = "https://example.com"\ndashboard = "https://example.com"\nhowto = "none"\n'
  printf 'api_base = "https://example.com"\n'
}
slot() { # name
  printf '[[slots]]\nname = "%s"\nlabel = "%s"\nsecret = true\n' "$1" "$1"
  printf 'format = "^FAKE-"\nformat_hint = "FAKE-"\nexample = "FAKE-x"\n'
}
{
  manifest_head bench50
  echo 'unverified = "benchmark only"'
  for i in $(seq -w 1 50); do
    slot "BENCH_SLOT_$i"
    export "BENCH_SLOT_$i=FAKE-bench-value-$i-0123456789"
  done
} >"$providers/bench50.toml"
for i in $(seq -w 1 20); do
  {
    manifest_head "slow$i"
    slot "SLOW_KEY_$i"
    printf '[[verify]]\nslot = "SLOW_KEY_%s"\nmethod = "GET"\npath = "/check"\n' "$i"
    printf 'bearer = "SLOW_KEY_%s"\nvalid = [200]\nrejected = [401]\nrejected_hint = "none"\n' "$i"
  } >"$providers/slow$i.toml"
  export "SLOW_KEY_$i=FAKE-slow-key-$i-0123456789" "STACK_SLOW${i}_API_BASE=http://127.0.0.1:$mock_port"
done
export WORKOS_API_KEY=sk_test_FAKEBENCHKEY0000000001 WORKOS_CLIENT_ID=client_FAKEBENCH0000000001

# One project per vault and size: 2 slots (WorkOS) and 50 slots (bench50).
declare -A vault_env=(
  [keychain]="STACK_VAULT=keychain"
  [file-id]="STACK_VAULT=file STACK_VAULT_FILE=$work/id.age STACK_AGE_IDENTITY=$identity"
  [file-pw]="STACK_VAULT=file STACK_VAULT_FILE=$work/pw.age STACK_VAULT_PASSPHRASE=bench-FAKE-passphrase"
  [bao]="STACK_VAULT=bao"
  [env]="STACK_VAULT=env"
)
vaults=(keychain file-id file-pw bao env)
for v in "${vaults[@]}"; do
  for size in 2 50; do
    dir=$work/$v-$size
    mkdir -p "$dir"
    provider=workos && [[ $size == 50 ]] && provider=bench50
    # The env vault is read-only: record the project with the keychain; exec then reads
    # the variables exported above.
    setup_env=${vault_env[$v]} && [[ $v == env ]] && setup_env=${vault_env[keychain]}
    # shellcheck disable=SC2086 # word-split on purpose: VAR=value pairs
    (cd "$dir" && env $setup_env "$bin" -q add "$provider" --from-env --no-verify </dev/null)
  done
done
mkdir -p "$work/doctor"
for i in $(seq -w 1 20); do
  (cd "$work/doctor" && "$bin" -q add "slow$i" --from-env --no-verify </dev/null)
done

q() { printf '%q' "$1"; } # hyperfine -N splits commands shell-style
run() { # file name, hyperfine args...
  local name=$1
  shift
  hyperfine -N --warmup "${WARMUP:-5}" --runs "${RUNS:-100}" --export-json "$out/$name.json" "$@" >/dev/null
}

run true -n 'true' "$(q "$true_bin")"
# hyperfine's output is not a terminal, so exec masks by default (stays the parent);
# --no-mask measures the terminal path, where stack becomes the command.
for v in "${vaults[@]}"; do
  runs=${RUNS:-100} && [[ $v == file-pw ]] && runs=20 # scrypt: ~130 ms a run
  for size in 2 50; do
    (
      # shellcheck disable=SC2086 # word-split on purpose: VAR=value pairs
      export ${vault_env[$v]}
      RUNS=$runs run "exec-$v-$size" -n "exec --no-mask -- true ($v, $size slots)" \
        "$(q "$bin") -C $(q "$work/$v-$size") exec --no-mask -- $(q "$true_bin")"
    )
  done
done
run exec-masked -n 'exec -- true (keychain, 2 slots, masked)' \
  "$(q "$bin") -C $(q "$work/keychain-2") exec -- $(q "$true_bin")"
RUNS=20 WARMUP=2 run doctor -n 'doctor (20 services, mock answers in 300 ms)' \
  "$(q "$bin") -C $(q "$work/doctor") doctor"
run recommend -n 'recommend "enterprise sso for a b2b app"' \
  "$(q "$bin") recommend $(q 'enterprise sso for a b2b app')"
run version --command-name=--version "$(q "$bin") --version"

# Masking throughput: 64 MiB of base64 text through `stack exec --mask -- cat`.
head -c $((48 * 1024 * 1024)) /dev/urandom | base64 >"$work/blob.txt"
stat -c %s "$work/blob.txt" >"$out/blob_bytes"
RUNS=5 run mask -n 'exec --mask -- cat (64 MiB)' --output=null \
  "$(q "$bin") -C $(q "$work/keychain-2") exec --mask -- cat $(q "$work/blob.txt")"
RUNS=5 run mask-plain -n 'cat (64 MiB)' --output=null "cat $(q "$work/blob.txt")"

# Peak memory: GNU time's maximum resident set, which Linux carries across exec (so the
# --no-mask row includes stack itself before it becomes `true`).
peak() { # label, command...
  local label=$1
  shift
  /usr/bin/time -f "$label"$'\t%M' -a -o "$out/peak.tsv" "$@" >/dev/null
}
: >"$out/peak.tsv"
peak 'exec --no-mask -- true (keychain, 50 slots)' "$bin" -C "$work/keychain-50" exec --no-mask -- "$true_bin"
peak 'exec -- true (keychain, 50 slots, masked)' "$bin" -C "$work/keychain-50" exec -- "$true_bin"
peak 'exec --mask -- cat (64 MiB)' "$bin" -C "$work/keychain-2" exec --mask -- cat "$work/blob.txt"
peak 'true' "$true_bin"

python3 - "$out" <<'EOF'
import datetime, glob, json, os, platform, sys

out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*.json")), key=os.path.getmtime):  # run order
    for r in json.load(open(path))["results"]:
        rows[r["command"]] = r["median"] * 1e3
base = rows.pop("true")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"{datetime.date.today()}, {os.cpu_count()} cores ({cpu}), Linux {platform.release()}; "
      f"bare `true` {base:.2f} ms.\n")

targets = {
    "exec --no-mask -- true (keychain, 2 slots)": 5,
    "exec --no-mask -- true (keychain, 50 slots)": 10,
    "doctor (20 services, mock answers in 300 ms)": 500,
}
print("| command | median (ms) | over `true` (ms) | × `true` | target |")
print("|:---|---:|---:|---:|:---|")
for name, ms in rows.items():
    if name == "cat (64 MiB)":
        continue
    over = ms - base
    target = ""
    if name in targets:
        limit = targets[name]
        # Exec targets are on the overhead; doctor's on the whole run.
        value = ms if name.startswith("doctor") else over
        target = f"≤ {limit} ms {'met' if value <= limit else '**missed**'}"
    elif name == "--version":
        target = f"≤ 3 ms {'met' if ms <= 3 else '**missed**'}"
    print(f"| `stack {name}` | {ms:.2f} | {over:.2f} | {ms / base:.1f} | {target} |")

size = int(open(os.path.join(out, "blob_bytes")).read())
masked = rows["exec --mask -- cat (64 MiB)"] / 1e3
plain = rows["cat (64 MiB)"] / 1e3
mbps = size / 1e6 / masked
print(f"\nMasking throughput: {mbps:.0f} MB/s through `stack exec --mask -- cat` "
      f"(plain `cat`: {size / 1e6 / plain:.0f} MB/s); target ≥ 100 MB/s "
      f"{'met' if mbps >= 100 else '**missed**'}.\n")
print("| peak memory | max RSS (MB) | target |")
print("|:---|---:|:---|")
for line in open(os.path.join(out, "peak.tsv")):
    label, kb = line.rstrip("\n").split("\t")
    mb = int(kb) / 1024
    target = ""
    if label.startswith("exec") and "cat" not in label:
        target = f"< 10 MB {'met' if mb < 10 else '**missed**'}"
    print(f"| `{label}` | {mb:.1f} | {target} |")
EOF
