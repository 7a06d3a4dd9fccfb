#!/usr/bin/env bash
# CI check: rebuilds the client bundle and its C embedding in a temporary
# copy and fails if they differ from the committed client/dist/reactc.js and
# src/server/client_bundle.c (someone changed client/src without running
# scripts/gen-client.sh, or the build is not deterministic).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Reuse the real node_modules (installing it once if needed).
if [ ! -d "$here/client/node_modules" ]; then
  (cd "$here/client" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$tmp/client" "$tmp/scripts"
for f in package.json package-lock.json tsconfig.json src; do
  cp -R "$here/client/$f" "$tmp/client/"
done
ln -s "$here/client/node_modules" "$tmp/client/node_modules"
cp "$here/scripts/gen-client.sh" "$tmp/scripts/"

bash "$tmp/scripts/gen-client.sh" "$tmp"

status=0
for f in client/dist/reactc.js src/server/client_bundle.c; do
  if [ ! -f "$here/$f" ]; then
    echo "check-client: $f is missing; run scripts/gen-client.sh and commit it" >&2
    status=1
  elif ! cmp -s "$here/$f" "$tmp/$f"; then
    echo "check-client: $f is out of date; run scripts/gen-client.sh and commit it" >&2
    echo "  committed: $(wc -c <"$here/$f") bytes, rebuilt: $(wc -c <"$tmp/$f") bytes" >&2
    cmp "$here/$f" "$tmp/$f" >&2 || true
    diff -u "$here/$f" "$tmp/$f" | head -n 40 | cut -c1-200 >&2 || true
    status=1
  fi
done
[ $status -eq 0 ] && echo "check-client: client/dist/reactc.js and src/server/client_bundle.c are up to date"
exit $status
