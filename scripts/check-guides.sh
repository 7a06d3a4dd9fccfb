#!/usr/bin/env bash
# Every ```c block in docs/guide/*.md is code that CI compiles (lint.guides).
#
# The line just before a block names where it comes from:
#   <!-- guide: examples/guide/lists.c#rows -->   the region "rows" of that file:
#       the lines between `/* guide:rows */` and `/* end guide:rows */`, less
#       the start marker's indentation (a region inside a function reads as
#       it would at the left margin) and less other regions' marker lines
#       (regions may nest or overlap);
#   <!-- guide: examples/guide/lists.c -->        the whole file;
#   <!-- examples/out-of-tree/counter.c -->       the whole file (the form
#       getting-started.md uses, also checked by tests/package/run.sh);
#   <!-- guide: fragment -->                      not compiled: for the rare
#       block that cannot be a real file's region (say so in the text).
# The block must equal its source byte for byte, so a guide cannot drift from
# the code the compiler checks. The named file must be one the build compiles:
# under examples/ (examples/guide/*.c are all built, with the project's
# warnings) or tests/.
#
# Usage: check-guides.sh [ROOT]        checks ROOT (default: the repository)
#        check-guides.sh --self-test   checks that drift and a missing
#                                      source fail, on a made-up tree
set -u

check() {
  local root=$1 status=0 guide
  for guide in "$root"/docs/guide/*.md; do
    [ -f "$guide" ] || continue
    check_guide "$root" "$guide" || status=1
  done
  return $status
}

# The region of file (or the whole file when region is empty), to stdout;
# non-zero when it is missing or malformed.
region() {
  local file=$1 name=$2
  [ -z "$name" ] && { cat "$file"; return 0; }
  awk -v name="$name" '
    function marker(s) { return s ~ /^[ \t]*\/\* (end )?guide:[A-Za-z0-9_-]+ \*\/[ \t]*$/ }
    !inside && $0 ~ "^[ \t]*/\\* guide:" name " \\*/[ \t]*$" {
      inside = 1; found++; match($0, /^[ \t]*/); indent = substr($0, 1, RLENGTH); next
    }
    inside && $0 ~ "^[ \t]*/\\* end guide:" name " \\*/[ \t]*$" { inside = 0; ended++; next }
    inside && marker($0) { next }
    inside {
      if ($0 == "") { print; next }
      if (substr($0, 1, length(indent)) != indent) { bad = NR; exit 2 }
      print substr($0, length(indent) + 1)
    }
    END {
      if (bad) { print FILENAME ":" bad ": less indented than its region marker" > "/dev/stderr"; exit 2 }
      if (found != 1 || ended != 1) exit 1
    }' "$file"
}

check_guide() {
  local root=$1 guide=$2 status=0 rel=${2#"$1"/}
  local tmp
  tmp=$(mktemp -d)
  # Split the guide into its ```c blocks: for each, the line before it (the
  # source comment) and its text, as files n.src and n.c.
  awk -v dir="$tmp" '
    /^```c[ \t]*$/ && !inside { inside = 1; n++; print prev > (dir "/" n ".src");
                                print NR > (dir "/" n ".line"); printf "" > (dir "/" n ".c"); next }
    inside && /^```[ \t]*$/ { inside = 0; next }
    inside { print > (dir "/" n ".c"); next }
    { prev = $0 }' "$guide"
  local src n line spec file name
  for src in "$tmp"/*.src; do
    [ -f "$src" ] || continue
    n=${src%.src}
    line=$(cat "$n.line")
    spec=$(cat "$src")
    case $spec in
    '<!-- guide: fragment -->') continue ;;
    '<!-- guide: '*' -->') spec=${spec#'<!-- guide: '} spec=${spec%' -->'} ;;
    '<!-- examples/out-of-tree/'*' -->') spec=${spec#'<!-- '} spec=${spec%' -->'} ;;
    *)
      echo "$rel:$line: a \`\`\`c block without its source: put <!-- guide: FILE#REGION --> on the line before it (or <!-- guide: fragment --> for code that cannot be compiled)"
      status=1
      continue
      ;;
    esac
    file=${spec%%#*}
    name=
    [ "$file" != "$spec" ] && name=${spec#*#}
    case $file in
    examples/* | tests/*) ;;
    *)
      echo "$rel:$line: $file is not compiled by the build (use a file under examples/ or tests/)"
      status=1
      continue
      ;;
    esac
    if [ ! -f "$root/$file" ]; then
      echo "$rel:$line: no file $file"
      status=1
      continue
    fi
    if ! region "$root/$file" "$name" > "$n.want"; then
      echo "$rel:$line: $file has no single region \"$name\" (/* guide:$name */ ... /* end guide:$name */)"
      status=1
      continue
    fi
    if ! cmp -s "$n.want" "$n.c"; then
      echo "$rel:$line: the block differs from $spec (- the source, + the guide):"
      diff -u "$n.want" "$n.c" | tail -n +3
      status=1
    fi
  done
  rm -rf "$tmp"
  return $status
}

self_test() {
  local t fails=0
  t=$(mktemp -d)
  trap 'rm -rf "$t"' RETURN
  mkdir -p "$t/docs/guide" "$t/examples/guide"
  cat > "$t/examples/guide/a.c" << 'EOF'
int main(void) {
    /* guide:body */
    int x = 1;

    return x - 1;
    /* end guide:body */
}
EOF
  write_guide() {
    printf 'Text.\n\n%s\n```c\n%s\n```\n' "$1" "$2" > "$t/docs/guide/g.md"
  }
  expect() { # expect 0|1 what
    check "$t" > "$t/out" 2>&1
    local got=$?
    [ "$got" -ne 0 ] && got=1
    if [ "$got" != "$1" ]; then
      echo "self-test: $2: expected $([ "$1" = 0 ] && echo pass || echo failure), got the other:"
      cat "$t/out"
      fails=1
    fi
  }
  write_guide '<!-- guide: examples/guide/a.c#body -->' $'int x = 1;\n\nreturn x - 1;'
  expect 0 "a region, dedented"
  write_guide '<!-- guide: examples/guide/a.c#body -->' $'int x = 2;\n\nreturn x - 1;'
  expect 1 "a drifted block"
  write_guide '<!-- guide: examples/guide/a.c#nope -->' 'int x = 1;'
  expect 1 "a missing region"
  write_guide '' 'int x = 1;'
  expect 1 "a block without a source"
  write_guide '<!-- guide: docs/a.c -->' 'int x = 1;'
  expect 1 "a source outside the build"
  write_guide '<!-- guide: fragment -->' 'anything'
  expect 0 "a marked fragment"
  write_guide '<!-- guide: examples/guide/a.c -->' "$(cat "$t/examples/guide/a.c")"
  expect 0 "a whole file"
  [ $fails = 0 ] && echo "check-guides self-test: ok"
  return $fails
}

if [ "${1:-}" = --self-test ]; then
  self_test
  exit $?
fi
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
if check "$root"; then
  echo "check-guides: every C block in docs/guide/ is its source's"
else
  echo "check-guides: FAILED (above)"
  exit 1
fi
