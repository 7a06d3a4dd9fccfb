#!/usr/bin/env bash
# Usage: expect-error.sh COMPILER [FLAGS...] FILE
# Passes when FILE compiles with -DRC_EXPECT_OK and fails to compile without
# it, with an error naming `double` (the type of rc_el_opts.rc_reserved_, where
# a positional RC_EL option lands): so the failure is the one under test, not
# a missing include or a typo.
set -u
if ! "$@" -DRC_EXPECT_OK -fsyntax-only 2>&1; then
  echo "FAIL: the designated form does not compile"; exit 1
fi
if out=$("$@" -fsyntax-only 2>&1); then
  echo "FAIL: RC_EL(ctx, \"div\", \"x\") compiled"; exit 1
fi
if ! grep -q "error.*double" <<<"$out"; then
  echo "$out"; echo "FAIL: did not fail on the positional string"; exit 1
fi
echo "ok: the positional option is rejected"
