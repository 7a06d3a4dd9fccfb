#!/usr/bin/env bash
# The shared library exports exactly its public API: the functions declared
# in include/reactc.h and include/reactc_layout.h, nothing else.
#
#   scripts/check-exports.sh [--left-out REGEX] LIBREACTC_SO
#
# --left-out REGEX: a build without a feature whose public functions have
# no stubs (RC_WITH_STORES=OFF: rc_(use_)?store) lacks them: public names
# that match may be missing (the few the server calls are no-op stubs).
#
# The library is compiled with hidden visibility (CMakeLists.txt) and the two
# public headers switch it back on for what they declare. An internal
# function that leaked (a missing `static`, a header of src/ included by a
# public one) costs a dynamic symbol, a PLT slot and a relocation on every
# device (docs/size.md), and lets apps link against what may change; a public
# function that is declared but not exported fails an app at link time. Both
# are reported, one line per name:
#
#   exported but not public: rc_buf_append
#   public but not exported: rc_app_run
#
# Names come from Universal Ctags (prototypes, kind p) and `nm -D
# --defined-only`. CTest runs it as lint.exports.
set -euo pipefail

left_out=
if [ "${1:-}" = --left-out ]; then
    left_out=${2:?usage: check-exports.sh [--left-out REGEX] path/to/libreactc.so}
    shift 2
fi
lib=${1:?usage: check-exports.sh [--left-out REGEX] path/to/libreactc.so}
here=$(cd "$(dirname "$0")/.." && pwd)

public=$(ctags -x --c-kinds=p --language-force=C "$here/include/reactc.h" \
             "$here/include/reactc_layout.h" | awk '{print $1}' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
               sed 's/@.*//' | sort -u)

bad=0
while read -r name; do
    [ -n "$name" ] || continue
    echo "exported but not public: $name"
    bad=1
done < <(comm -13 <(echo "$public") <(echo "$exported"))
while read -r name; do
    [ -n "$name" ] || continue
    echo "public but not exported: $name"
    bad=1
# (Without --left-out the filter drops only empty lines, which comm never
# prints: every missing name is reported.)
done < <(comm -23 <(echo "$public") <(echo "$exported") | grep -Ev "^(${left_out:-^$})" || true)
if [ $bad = 0 ]; then
    echo "check-exports: $(echo "$exported" | wc -l) symbols, all declared in include/"
fi
exit $bad
