#!/usr/bin/env bash
# libreactc's size in code + data (docs/size.md), as `size` counts it in the
# files' loaded sections (debug info and file padding never count):
#   text  code and read-only data (the embedded client bundle is read-only)
#   data  initialised writable data;   bss (zeroed at load) is shown apart.
#
#   scripts/size.sh            (`make size` runs it)
#   environment: BUILD, SIZE_BUILD, BUDGET (bytes), JOBS; defaults below.
#
# Two builds of the library alone:
#   BUILD (build/)           the default build (RelWithDebInfo, every option at
#                            its default), as `make build` configures it;
#   SIZE_BUILD (build-size/) MinSizeRel with every RC_WITH_* option off (the
#                            options are read from the CMake files), without
#                            tests, benchmarks or examples.
# For each: the object files of each layer (src/util ... src/server, the
# client bundle apart), their total, and the linked libreactc.so.
#
# Fails (exit 1) when a program linked against SIZE_BUILD accepts an option
# the core was built without (tests/size/*_off.c: --metrics), and when the
# linked libreactc.so of SIZE_BUILD is over BUDGET bytes of
# text + data: 200 KB = 200,000 bytes (docs/architecture.md, Targets: "libreactc code+data
# <= 200 KB"). The linked library, not the objects' sum, because it is what a
# device gets: it adds the dynamic symbol tables, PLT and relocations.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

BUILD=${BUILD:-build}
SIZE_BUILD=${SIZE_BUILD:-build-size}
BUDGET=${BUDGET:-200000}
JOBS=${JOBS:-$(nproc)}
LAYERS=(util vdom core wire resume server)

for tool in cmake ninja size; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "size: '$tool' not found: run scripts/install-deps.sh" >&2
    exit 2
  fi
done

# The library's two targets only: the object library is built for them.
build_lib() {
  echo "size: building libreactc in $1/" >&2
  cmake --build "$1" -j "$JOBS" --target reactc_shared reactc_static >/dev/null || {
    echo "size: the build in $1/ failed (run: cmake --build $1 --target reactc_shared)" >&2
    exit 2
  }
  # Objects of files an option left out since the last build (a source
  # swapped for its stub) would be counted in the per-layer table.
  ninja -C "$1" -t cleandead >/dev/null
}

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja >/dev/null
fi
build_lib "$BUILD"

# Every RC_WITH_* option declared in a CMake file, turned off.
mapfile -t options < <(find . \( -name node_modules -o -path './build*' \) -prune -o \
    \( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print0 |
  xargs -0 grep -ohE 'option\(RC_WITH_[A-Za-z0-9_]+' | sed 's/^option(//' | LC_ALL=C sort -u)
off=()
for o in "${options[@]}"; do off+=("-D$o=OFF"); done
cmake -S . -B "$SIZE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DRC_BUILD_TESTS=OFF -DRC_BUILD_BENCH=OFF -DRC_BUILD_EXAMPLES=OFF "${off[@]}" >/dev/null
if grep -qE '^RC_WITH_[A-Za-z0-9_]+:BOOL=(ON|TRUE|YES|1)$' "$SIZE_BUILD/CMakeCache.txt"; then
  echo "size: an RC_WITH_* option is still on in $SIZE_BUILD/ (not declared with option()?):" >&2
  grep -E '^RC_WITH_' "$SIZE_BUILD/CMakeCache.txt" >&2
  exit 2
fi
build_lib "$SIZE_BUILD"

# The core refuses what it was built without rather than ignoring it: a
# program linked against it must fail to start with --metrics, saying why.
check_refused() {
  local src=$1 want=$2 exe err
  exe="$SIZE_BUILD/$(basename "$src" .c)"
  err="$SIZE_BUILD/$(basename "$src" .c).stderr"
  cc -std=c11 -Wall -Wextra -Werror -Iinclude "$src" -o "$exe" -L"$SIZE_BUILD" -lreactc \
    -Wl,-rpath,"$(cd "$SIZE_BUILD" && pwd)" || { echo "size: cannot build $src" >&2; exit 2; }
  if ! timeout 30 "$exe" 2>"$err" || ! grep -q "$want" "$err"; then
    echo "size: $src: the core build does not refuse as it should ($want):" >&2
    cat "$err" >&2
    exit 1
  fi
}
check_refused tests/size/metrics_off.c "built without RC_WITH_METRICS"

# The build's options, as one line: RC_WITH_X=ON ...
options_of() {
  local line opts=""
  while IFS= read -r line; do
    opts+=" ${line%%:*}=${line##*=}"
  done < <(grep -E '^RC_WITH_[A-Za-z0-9_]+:BOOL=' "$1/CMakeCache.txt" | LC_ALL=C sort)
  echo "${opts# }"
}

# Prints the table of one build; sets so_total to the linked library's text+data.
report() {
  local dir=$1 title=$2 objdir="$1/CMakeFiles/reactc_obj.dir/src"
  local so="$dir/libreactc.so"
  if [ ! -d "$objdir" ] || [ ! -e "$so" ]; then
    echo "size: no objects in $objdir or no $so" >&2
    exit 2
  fi
  echo "$dir/: $title"
  echo "  options: $(options_of "$dir")"
  find "$objdir" -name '*.o' -print0 | LC_ALL=C sort -z | xargs -0 size | awk \
    -v objdir="$objdir/" -v layers="${LAYERS[*]}" -v so_line="$(size "$so" | tail -n 1)" '
    function row(name, t, d, b) { printf "  %-34s %8d %8d %10d %8d\n", name, t, d, t + d, b }
    NR == 1 { next }
    { f = $6; sub("^" objdir, "", f)
      part = (f ~ /(^|\/)client_bundle\.c\.o$/) ? "bundle" : substr(f, 1, index(f, "/") - 1)
      if (part == "") part = "(top)"
      if (!(part in text)) order[++n] = part
      text[part] += $1; data[part] += $2; bss[part] += $3
      tt += $1; td += $2; tb += $3 }
    END {
      printf "  %-34s %8s %8s %10s %8s\n", "", "text", "data", "text+data", "bss"
      k = split(layers, known, " ")
      for (i = 1; i <= k; i++) {
        p = known[i]; seen[p] = 1
        label = "src/" p (p == "server" ? " (without the bundle)" : "")
        row(label, text[p], data[p], bss[p])
      }
      for (i = 1; i <= n; i++)          # a folder this script does not know yet
        if (!(order[i] in seen) && order[i] != "bundle") row("src/" order[i], text[order[i]], data[order[i]], bss[order[i]])
      row("client bundle (client_bundle.c)", text["bundle"], data["bundle"], bss["bundle"])
      row("objects, total", tt, td, tb)
      split(so_line, s, " ")
      row("libreactc.so, linked", s[1], s[2], s[3])
    }'
  local so_fields
  read -r -a so_fields < <(size "$so" | tail -n 1)
  so_total=$((so_fields[0] + so_fields[1]))
}

echo "libreactc code + data, from size(1): text = code and read-only data, data = initialised data"
echo
type=$(grep -E '^CMAKE_BUILD_TYPE:' "$BUILD/CMakeCache.txt" | sed 's/.*=//')
report "$BUILD" "the default build (${type:-RelWithDebInfo, the CMakeLists default})"
echo
report "$SIZE_BUILD" "MinSizeRel, every RC_WITH_* option off"
echo

pct=$(awk -v a="$so_total" -v b="$BUDGET" 'BEGIN { printf "%.1f", 100 * a / b }')
if [ "$so_total" -gt "$BUDGET" ]; then
  echo "size: OVER BUDGET: libreactc.so of $SIZE_BUILD/ is $so_total bytes of code+data, budget $BUDGET (${pct} %)" >&2
  exit 1
fi
echo "size: within budget: libreactc.so of $SIZE_BUILD/ is $so_total bytes of code+data, budget $BUDGET (${pct} %)"
