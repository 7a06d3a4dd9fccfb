#!/usr/bin/env bash
# The arm64 cross-build's dependencies on a Debian 12 (amd64) machine:
# `scripts/install-deps.sh --arm64` runs it after the normal install.
# Idempotent: skips what is present, so a machine that has it all pays a
# few dpkg-query calls. Used by make cross-arm64 and make test-arm64
# (docs/embedded.md, "Cross-building for arm64").
#
# Debian's multiarch puts the arm64 headers beside the amd64 ones in
# /usr/include and the libraries in /usr/lib/aarch64-linux-gnu, so the
# -dev packages are the normal install line's, with :arm64. apt may
# upgrade a few amd64 packages so that both architectures are the same
# version (Multi-Arch: same requires it).
set -euo pipefail

# Host tools: the cross compiler and binutils, and qemu-user to run the
# arm64 unit tests and servers (binfmt_misc is often not mounted in
# containers, so they run through qemu-aarch64-static explicitly).
HOST_PKGS=(crossbuild-essential-arm64 qemu-user-static)
# The target's libraries. pkgconf:arm64 brings aarch64-linux-gnu-pkg-config,
# which reads only the arm64 .pc files. libcmocka for the unit tests.
ARM64_PKGS=(pkgconf libjansson-dev libsodium-dev libzstd-dev libssl-dev libhiredis-dev
            libev-dev libwebsockets-evlib-ev libcmocka-dev)
# libwebsockets-dev:arm64 and the amd64 one both ship /usr/include/lws_config.h,
# which differ only in LWS_INSTALL_LIBDIR (informational, not used by the
# headers or by reactc), so dpkg refuses the second without --force-overwrite.
LWS_PKG=libwebsockets-dev

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for p in "${HOST_PKGS[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${ARM64_PKGS[@]}"; do installed "$p:arm64" || missing+=("$p:arm64"); done
lws_missing=
installed "$LWS_PKG:arm64" || lws_missing=1

if [ ${#missing[@]} -eq 0 ] && [ -z "$lws_missing" ]; then
  echo "install-deps: the arm64 cross-build's dependencies are present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing for arm64: ${missing[*]} ${lws_missing:+$LWS_PKG:arm64}" >&2
  echo "install-deps: run as root: scripts/install-deps.sh --arm64" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "install-deps: adding the arm64 architecture to dpkg"
  dpkg --add-architecture arm64
fi
apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ -n "$lws_missing" ]; then
  echo "install-deps: installing $LWS_PKG:arm64 (overwriting /usr/include/lws_config.h)"
  apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-overwrite \
    "$LWS_PKG:arm64"
fi
echo "install-deps: the arm64 cross-build's dependencies are present"
