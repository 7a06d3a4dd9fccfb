#!/usr/bin/env bash
# Installs every dependency reactc's build and tests need on a fresh Debian 12
# machine. Idempotent: skips what is present. Run as root (or it prints the
# command to run as root). Node.js and npm must come with the machine; Debian's
# own nodejs/npm packages are too old and conflict, so we never install them.
#
# --lib: only what building and installing the library takes (make install,
# docs/guide/getting-started.md): no test tools, no Node.js (the client
# bundle is committed).
# --arm64: everything, plus the arm64 cross toolchain, qemu-user and the
# :arm64 -dev packages (make cross-arm64, make test-arm64, docs/embedded.md).
# Opt-in: about 150 MB to download, 690 MB on disk, that `make test` never
# needs.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
lib_only=
arm64=
case "${1:-}" in
  --lib) lib_only=1 ;;
  --arm64) arm64=1 ;;
  "") ;;
  *) echo "install-deps: unknown option $1 (--lib, --arm64)" >&2; exit 2 ;;
esac

DEB_PKGS=(
  build-essential cmake ninja-build pkg-config
  libwebsockets-dev libwebsockets-evlib-ev libev-dev
  libjansson-dev libsodium-dev libzstd-dev libssl-dev libhiredis-dev
)
[ -n "$lib_only" ] || DEB_PKGS+=(
  libcmocka-dev clang libclang-rt-14-dev valgrind
  chromium xxd universal-ctags
  ccache
  haproxy nginx openssl
  redis-server
)
# ccache: `make size` builds the library once per RC_WITH_* option
# (scripts/size.sh); the files those builds share then compile once.

missing=()
for p in "${DEB_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-deps: run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # haproxy, nginx and redis-server are packaged as services that start on install: the
  # tests run their own, in the foreground, on loopback ports, so no system
  # service may start. policy-rc.d (honoured by invoke-rc.d and
  # deb-systemd-invoke) forbids it for the length of the install, unless
  # the machine has one of its own.
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# reactc install-deps: start no service while installing\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    own_policy=1
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  if [ -n "$own_policy" ]; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

if [ -n "$arm64" ]; then
  bash "$here/scripts/install-deps-arm64.sh"
fi

if [ -n "$lib_only" ]; then
  echo "install-deps: the library's build dependencies are present"
  exit 0
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-deps: '$tool' not found. reactc needs Node.js >= 20 and npm for the client" >&2
    echo "install-deps: build and browser tests. Install them from nodesource (not Debian's" >&2
    echo "install-deps: nodejs/npm packages, which are too old)." >&2
    exit 1
  fi
done

# npm packages, from the committed lock files; only when node_modules is stale.
for dir in client tests/e2e tests/chaos; do
  [ -f "$here/$dir/package.json" ] || continue
  stamp="$here/$dir/node_modules/.install-stamp"
  lock="$here/$dir/package-lock.json"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    echo "install-deps: npm ci in $dir"
    (cd "$here/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
done
echo "install-deps: all dependencies present"
