#!/usr/bin/env bash
# Run CMD inside a private, hermetic Secret Service session:
#   temp HOME + XDG dirs, a private D-Bus session bus, and gnome-keyring
#   (secrets component only) with an unlocked default ("login") collection.
# The user's real keyring and session bus are never touched.
#
# Usage: scripts/with-keyring.sh CMD [ARGS...]
# Exit status: CMD's. Exports to CMD: DBUS_SESSION_BUS_ADDRESS, HOME, XDG_*,
# STACK_TEST_KEYRING=1.
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

die() {
  echo "with-keyring: ERROR: $*" >&2
  # Show the daemons' logs: they usually say why the keyring is unusable.
  for log in "${tmp_home:-}/bus.log" "${tmp_home:-}/keyring.log"; do
    if [[ -s $log ]]; then
      echo "--- $log" >&2
      cat "$log" >&2
    fi
  done
  exit 1
}

for tool in dbus-daemon dbus-send gnome-keyring-daemon secret-tool timeout; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' not found; run scripts/install-deps.sh first"
done

# Keep cargo/rustup working after HOME moves: pin them to the ORIGINAL home.
orig_home=${HOME:?HOME is not set}
export CARGO_HOME=${CARGO_HOME:-$orig_home/.cargo}
export RUSTUP_HOME=${RUSTUP_HOME:-$orig_home/.rustup}

# Short path under /tmp: unix socket paths are limited to 108 bytes.
tmp_home=$(mktemp -d /tmp/stack-keyring.XXXXXXXX)
bus_pid=""
keyring_pid=""

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  # Keyring first (it would exit anyway once the bus vanishes), then the bus.
  if [[ -n $keyring_pid ]]; then
    # A daemon that died during CMD explains the failures that followed: show its log.
    if ! kill -0 "$keyring_pid" 2>/dev/null && [[ -s $tmp_home/keyring.log ]]; then
      echo "with-keyring: gnome-keyring-daemon died during the run; its log:" >&2
      grep -v '^$' "$tmp_home/keyring.log" | tail -20 >&2
    fi
    kill "$keyring_pid" 2>/dev/null || true
    wait "$keyring_pid" 2>/dev/null || true
  fi
  if [[ -n $bus_pid ]]; then
    kill "$bus_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp_home"
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap runs.
trap 'exit 130' INT
trap 'exit 143' TERM

export HOME=$tmp_home
export XDG_RUNTIME_DIR=$tmp_home/run
export XDG_DATA_HOME=$tmp_home/data
export XDG_CONFIG_HOME=$tmp_home/config
export XDG_CACHE_HOME=$tmp_home/cache
# gnome-keyring refuses a runtime dir that is not private.
mkdir -m 0700 "$XDG_RUNTIME_DIR"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

# No display: a password prompt must fail fast, never open a window and hang.
# Drop any outer session/keyring so nothing leaks in from the real desktop.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL \
  GNOME_KEYRING_PID

start_ns=$(date +%s%N)

# Private session bus with D-Bus activation DISABLED (no <servicedir>): the
# stock session config would auto-start a second, un-unlocked
# gnome-keyring-daemon (or the gcr-prompter) if any client touched
# org.freedesktop.secrets before ours registered.  Also avoids the
# "Failed to set fd limit" noise of the stock config when run as root.
cat >"$tmp_home/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$XDG_RUNTIME_DIR/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
bus_info=$(timeout 10 dbus-daemon --config-file="$tmp_home/bus.conf" --fork \
  --print-address=1 --print-pid=1 </dev/null 2>"$tmp_home/bus.log") ||
  die "could not start a private D-Bus session bus"
{
  read -r DBUS_SESSION_BUS_ADDRESS
  read -r bus_pid
} <<<"$bus_info"
[[ -n $DBUS_SESSION_BUS_ADDRESS && $bus_pid =~ ^[0-9]+$ ]] ||
  die "unexpected dbus-daemon output: $bus_info"
export DBUS_SESSION_BUS_ADDRESS

# `--unlock` with the password on stdin is the invocation that, in a fresh
# HOME, CREATES the "login" keyring with that password, unlocks it and makes
# it the `default` alias.  (`--start` alone leaves no default collection, and
# the first store then needs a prompt; `--login` does not register on D-Bus.)
# `--foreground` + `&` gives us the pid to kill; stdin is the password only.
printf 'stack-test' |
  gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$tmp_home/keyring.log" 2>&1 &
keyring_pid=$!

bus_call() {
  timeout 5 dbus-send --session --print-reply "$@" 2>&1
}

# Wait (max ~10 s) until the daemon owns org.freedesktop.secrets.
registered=0
for _ in $(seq 200); do
  if bus_call --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets |
    grep -q 'boolean true'; then
    registered=1
    break
  fi
  kill -0 "$keyring_pid" 2>/dev/null || die "gnome-keyring-daemon exited early"
  sleep 0.05
done
((registered)) ||
  die "gnome-keyring-daemon did not register org.freedesktop.secrets in 10 s"

# Everything else goes through libsecret. A bare dbus-send to org.freedesktop.secrets
# is a new client whose first call can overtake gnome-keyring 42's registration of it
# and abort the daemon (see `introduce` in src/vault/keychain.rs); libsecret first
# reads the service's properties, which needs no client. The probe below also proves
# what a direct check would: the default alias resolves ("login" unless told
# otherwise), and that collection is unlocked and writable.
probe=(service stack-probe username probe)
printf 'probe-value' | timeout 10 secret-tool store --label=probe "${probe[@]}" ||
  die "secret-tool store into the default collection failed"
got=$(timeout 10 secret-tool lookup "${probe[@]}") ||
  die "secret-tool lookup of the probe item failed"
[[ $got == probe-value ]] || die "probe lookup returned '$got'"
timeout 10 secret-tool clear "${probe[@]}" ||
  die "secret-tool clear of the probe item failed"

elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
echo "with-keyring: Secret Service ready in ${elapsed_ms} ms" >&2

# Tells the test suite a real, writable Secret Service is available.
export STACK_TEST_KEYRING=1

# Run CMD in the background and wait, so a TERM/INT sent to this script is
# forwarded at once (bash defers traps while a foreground child runs) and the
# cleanup still happens.  `<&0` keeps stdin (async jobs get /dev/null), and the
# subshell restores SIGINT/SIGQUIT, which bash ignores in background jobs: a test
# that sends Ctrl-C or SIGINT must see the default disposition.
( trap - INT QUIT; exec "$@" ) <&0 &
cmd_pid=$!
trap 'kill -TERM "$cmd_pid" 2>/dev/null || true' TERM
trap 'kill -INT "$cmd_pid" 2>/dev/null || true' INT
set +e
while :; do
  wait "$cmd_pid"
  status=$?
  # wait also returns when a trapped signal arrives: keep waiting for CMD.
  kill -0 "$cmd_pid" 2>/dev/null || break
done
set -e
exit "$status"
