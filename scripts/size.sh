#!/usr/bin/env bash
# libreactc's size in code + data (docs/size.md), as `size` counts it in the
# files' loaded sections (debug info and file padding never count):
#   text  code and read-only data (the embedded client bundle is read-only)
#   data  initialised writable data;   bss (zeroed at load) is shown apart.
#
#   scripts/size.sh            (`make size` runs it)
#   SIZE_TOOLCHAIN=cmake/toolchain-aarch64.cmake scripts/size.sh
#                              the same report for another architecture
#   environment: BUILD, SIZE_BUILD, BUDGET (bytes), JOBS, SIZE_TOOLCHAIN,
#   SIZE_OPTIONS (0: no per-option builds); defaults below.
#
# Builds of the library alone (no tests, benchmarks or examples):
#   BUILD (build/)           the default build (RelWithDebInfo, every option at
#                            its default), as `make build` configures it (not
#                            with SIZE_TOOLCHAIN: the host's);
#   SIZE_BUILD (build-size/) MinSizeRel with every RC_WITH_* option off (the
#                            options are read from the CMake files): the core;
#   SIZE_BUILD-opt/<option>/ the core with one option on, one per option: its
#                            cost is its libreactc.so's text + data minus the
#                            core's (one build directory per option, kept and
#                            rebuilt incrementally; with ccache installed the
#                            files they share compile once);
#   SIZE_BUILD-device/       MinSizeRel with -DRC_PROFILE=device (the preset
#                            builds, and its size is shown).
# With SIZE_TOOLCHAIN (a CMake toolchain file) every build is a cross build
# and the directories are build-size-<arch>*; the refusal checks below then
# run under the toolchain's CMAKE_CROSSCOMPILING_EMULATOR (qemu-user), or
# are skipped (said) when it has none.
# For each: the object files of each layer (src/util ... src/server, the
# client bundle apart), their total, and the linked libreactc.so.
#
# Fails (exit 1) when a program linked against the core accepts what the
# core was built without (tests/size/*_off.c: --metrics, --workers 2, a
# ReactPy client, --redis, a compressed token; and rc_store_persist in the
# build with stores only), and when the linked libreactc.so of SIZE_BUILD is over BUDGET
# bytes of text + data: 200 KB = 200,000 bytes (docs/architecture.md,
# Targets: "libreactc code+data <= 200 KB"). The linked library, not the
# objects' sum, because it is what a device gets: it adds the dynamic symbol
# tables, PLT and relocations.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

SIZE_TOOLCHAIN=${SIZE_TOOLCHAIN:-}
cross=()
arch=""
if [ -n "$SIZE_TOOLCHAIN" ]; then
  [ -f "$SIZE_TOOLCHAIN" ] || { echo "size: no toolchain file $SIZE_TOOLCHAIN" >&2; exit 2; }
  # cmake/toolchain-aarch64.cmake -> arm64 (Debian's name), else the file's.
  arch=$(basename "$SIZE_TOOLCHAIN" .cmake)
  arch=${arch#toolchain-}
  [ "$arch" = aarch64 ] && arch=arm64
  cross=("-DCMAKE_TOOLCHAIN_FILE=$(cd "$(dirname "$SIZE_TOOLCHAIN")" && pwd)/$(basename "$SIZE_TOOLCHAIN")")
fi
BUILD=${BUILD:-build}
SIZE_BUILD=${SIZE_BUILD:-build-size${arch:+-$arch}}
BUDGET=${BUDGET:-200000}
JOBS=${JOBS:-$(nproc)}
SIZE_OPTIONS=${SIZE_OPTIONS:-1}
LAYERS=(util vdom core wire resume server)

for tool in cmake ninja size; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "size: '$tool' not found: run scripts/install-deps.sh" >&2
    exit 2
  fi
done
# The per-option builds compile the same files again: ccache (when there)
# makes that a cache hit but for the option's own files.
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache); fi

# The library's targets only: the object library is built for them.
# $2: the targets (default both libraries).
build_lib() {
  local dir=$1
  shift
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=(reactc_shared reactc_static)
  echo "size: building libreactc in $dir/" >&2
  cmake --build "$dir" -j "$JOBS" --target "${targets[@]}" >/dev/null || {
    echo "size: the build in $dir/ failed (run: cmake --build $dir --target reactc_shared)" >&2
    exit 2
  }
  # Objects of files an option left out since the last build (a source
  # swapped for its stub) would be counted in the per-layer table.
  ninja -C "$dir" -t cleandead >/dev/null
}

# A MinSizeRel library-only build in $1 with the -D arguments after it.
configure_size() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel "${cross[@]}" "${launcher[@]}" \
    -DRC_BUILD_TESTS=OFF -DRC_BUILD_BENCH=OFF -DRC_BUILD_EXAMPLES=OFF "$@" >/dev/null
}

if [ -z "$arch" ]; then
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S . -B "$BUILD" -G Ninja >/dev/null
  fi
  build_lib "$BUILD"
fi

# Every RC_WITH_* option declared in a CMake file, turned off.
mapfile -t options < <(find . \( -name node_modules -o -path './build*' \) -prune -o \
    \( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print0 |
  xargs -0 grep -ohE 'option\(RC_WITH_[A-Za-z0-9_]+' | sed 's/^option(//' | LC_ALL=C sort -u)
off=()
for o in "${options[@]}"; do off+=("-D$o=OFF"); done
configure_size "$SIZE_BUILD" -DRC_PROFILE=full "${off[@]}"
if grep -qE '^RC_WITH_[A-Za-z0-9_]+:BOOL=(ON|TRUE|YES|1)$' "$SIZE_BUILD/CMakeCache.txt"; then
  echo "size: an RC_WITH_* option is still on in $SIZE_BUILD/ (not declared with option()?):" >&2
  grep -E '^RC_WITH_' "$SIZE_BUILD/CMakeCache.txt" >&2
  exit 2
fi
build_lib "$SIZE_BUILD"

# A value of a build's CMake cache ("" when not there).
cache_get() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt" | head -n 1; }

# The size tool for the build's architecture: the cross compiler's
# binutils (aarch64-linux-gnu-size beside aarch64-linux-gnu-gcc).
check_cc=$(cache_get "$SIZE_BUILD" RC_C_COMPILER_USED)
size_tool=size
if [ -n "$arch" ] && [ -x "${check_cc%gcc}size" ]; then size_tool=${check_cc%gcc}size; fi
size() { command "$size_tool" "$@"; }

# The programs below: compiled with the build's compiler, run directly or
# under the toolchain's emulator (qemu-user); a cross build without one
# skips them, saying so.
run=()
can_run=true
if [ -n "$arch" ]; then
  read -r -a run <<<"$(cache_get "$SIZE_BUILD" RC_EMULATOR_USED | tr ';' ' ')"
  [ ${#run[@]} -gt 0 ] && [ -x "${run[0]}" ] || can_run=false
fi

# The core refuses what it was built without rather than ignoring it: a
# program linked against it must fail, saying why. $1 the program, $2 what
# its stderr must say, $3 the build to link against (SIZE_BUILD), $4 static
# to link libreactc.a (for internal functions the .so does not export).
check_refused() {
  local src=$1 want=$2 dir=${3:-$SIZE_BUILD} how=${4:-shared} exe err libs
  if ! $can_run; then
    echo "size: skipped $src ($arch: no CMAKE_CROSSCOMPILING_EMULATOR to run it)" >&2
    return 0
  fi
  exe="$dir/$(basename "$src" .c)"
  err="$dir/$(basename "$src" .c).stderr"
  if [ "$how" = static ]; then
    local pc
    pc=$(cache_get "$dir" PKG_CONFIG_EXECUTABLE)
    # What libreactc links (its pkg-config modules, as the build chose them).
    local mods
    mods=$(cache_get "$dir" RC_PKG_MODULES_USED | tr ';' ' ')
    # shellcheck disable=SC2086
    libs="$dir/libreactc.a $(${pc:-pkg-config} --libs $mods) -lev -lm -lpthread"
    cc_flags=(-Isrc)
  else
    libs="-L$dir -lreactc -Wl,-rpath,$(cd "$dir" && pwd)"
    cc_flags=()
  fi
  # shellcheck disable=SC2086
  "$check_cc" -std=c11 -Wall -Wextra -Werror -Iinclude "${cc_flags[@]}" "$src" -o "$exe" $libs || {
    echo "size: cannot build $src" >&2
    exit 2
  }
  if ! timeout 60 "${run[@]}" "$exe" 2>"$err" || ! grep -q "$want" "$err"; then
    echo "size: $src: the build in $dir/ does not refuse as it should ($want):" >&2
    cat "$err" >&2
    exit 1
  fi
}
check_refused tests/size/metrics_off.c "built without RC_WITH_METRICS"
check_refused tests/size/workers_off.c "built without RC_WITH_WORKERS"
check_refused tests/size/reactpy_off.c "built without RC_WITH_REACTPY"
check_refused tests/size/redis_off.c "built without RC_WITH_REDIS"
check_refused tests/size/token_compression_off.c "built without RC_WITH_TOKEN_COMPRESSION" \
  "$SIZE_BUILD" static
# Without token compression libreactc does not link libzstd at all, and
# without Redis not libhiredis.
needed=$(readelf -d "$SIZE_BUILD/libreactc.so")
for pair in libzstd:RC_WITH_TOKEN_COMPRESSION libhiredis:RC_WITH_REDIS; do
  if grep -q "NEEDED.*${pair%%:*}" <<<"$needed"; then
    echo "size: $SIZE_BUILD/libreactc.so still needs ${pair%%:*} (${pair#*:}=OFF)" >&2
    exit 1
  fi
done

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
  find "$objdir" -name '*.o' -print0 | LC_ALL=C sort -z | xargs -0 "$size_tool" | awk \
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

# text + data of a linked libreactc.so.
so_bytes() {
  local f
  read -r -a f < <(size "$1/libreactc.so" | tail -n 1)
  echo $((f[0] + f[1]))
}

echo "libreactc code + data, from size(1): text = code and read-only data, data = initialised data"
[ -n "$arch" ] && echo "architecture: $arch (cross build, $SIZE_TOOLCHAIN)"
echo
if [ -z "$arch" ]; then
  type=$(grep -E '^CMAKE_BUILD_TYPE:' "$BUILD/CMakeCache.txt" | sed 's/.*=//')
  report "$BUILD" "the default build (${type:-RelWithDebInfo, the CMakeLists default})"
  echo
fi
report "$SIZE_BUILD" "MinSizeRel, every RC_WITH_* option off"
core=$so_total
echo

# Each option alone on top of the core: what a build pays for it. Options
# interact a little (a feature's hooks into another one's files; the relay
# of uploads between workers is in neither's cost, as it comes only with
# both), so the costs do not add up exactly to a build with several on.
# An option that does something only with another one on is measured on
# top of it: persistence is of stores.
declare -A needs=([RC_WITH_STORE_PERSIST]=RC_WITH_STORES)
declare -A bytes=()
opt_dir() { echo "$SIZE_BUILD-opt/$(echo "${1#RC_WITH_}" | tr 'A-Z' 'a-z')"; }
measure() {
  local o=$1 dir x one=()
  dir=$(opt_dir "$o")
  for x in "${options[@]}"; do
    if [ "$x" = "$o" ] || [ "$x" = "${needs[$o]:-}" ]; then one+=("-D$x=ON"); else one+=("-D$x=OFF"); fi
  done
  configure_size "$dir" -DRC_PROFILE=full "${one[@]}"
  build_lib "$dir" reactc_shared
  bytes[$o]=$(so_bytes "$dir")
}
if [ "$SIZE_OPTIONS" != 0 ]; then
  for o in "${options[@]}"; do [ -n "${needs[$o]:-}" ] || measure "$o"; done
  for o in "${options[@]}"; do [ -z "${needs[$o]:-}" ] || measure "$o"; done
  echo "each option's cost: libreactc.so text+data, MinSizeRel, the core with that option on"
  echo "(and what it needs on, then its cost is over that build), in $SIZE_BUILD-opt/"
  printf "  %-28s %10s %10s  %s\n" option "with it" cost over
  for o in "${options[@]}"; do
    base=$core over=core
    if [ -n "${needs[$o]:-}" ]; then base=${bytes[${needs[$o]}]} over=${needs[$o]}; fi
    printf "  %-28s %10d %10d  %s\n" "$o" "${bytes[$o]}" $((bytes[$o] - base)) "$over"
  done
  echo
  # Stores without their persistence: rc_store_persist must refuse.
  check_refused tests/size/store_persist_off.c "built without RC_WITH_STORE_PERSIST" \
    "$(opt_dir RC_WITH_STORES)"
fi

# The device preset (docs/size.md, "The device preset") builds.
configure_size "$SIZE_BUILD-device" -DRC_PROFILE=device
build_lib "$SIZE_BUILD-device" reactc_shared
echo "$SIZE_BUILD-device/: MinSizeRel, -DRC_PROFILE=device"
echo "  options: $(options_of "$SIZE_BUILD-device")"
echo "  libreactc.so text+data: $(so_bytes "$SIZE_BUILD-device")"
echo

pct=$(awk -v a="$core" -v b="$BUDGET" 'BEGIN { printf "%.1f", 100 * a / b }')
if [ "$core" -gt "$BUDGET" ]; then
  echo "size: OVER BUDGET: libreactc.so of $SIZE_BUILD/ is $core bytes of code+data, budget $BUDGET (${pct} %)" >&2
  exit 1
fi
echo "size: within budget: libreactc.so of $SIZE_BUILD/ is $core bytes of code+data, budget $BUDGET (${pct} %)"
