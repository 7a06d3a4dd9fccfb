#!/usr/bin/env bash
# Usage: expect-deprecated.sh COMPILER [FLAGS...] FILE
# Passes when FILE (uses of old names) compiles with
# -Wno-deprecated-declarations, and without it warns for each old name with
# its replacement: the aliases exist, and they say they are deprecated.
set -u
if ! "$@" -Wno-deprecated-declarations -fsyntax-only 2>&1; then
  echo "FAIL: the deprecated aliases do not compile"; exit 1
fi
out=$("$@" -fsyntax-only 2>&1)
for new in rc_state_set_int rc_state_get_int rc_event_get_seq rc_array_count rc_event_get_data \
           rc_layout_opts_init rc_layout_is_dirty rc_layout_count_roots; do
  if ! grep -q "deprecated.*use $new" <<<"$out"; then
    echo "$out"; echo "FAIL: no deprecation warning naming $new"; exit 1
  fi
done
echo "ok: old names compile and warn"
