#!/usr/bin/env bash
# package.out_of_tree: reactc as a user gets it (docs/guide/getting-started.md).
# Installs the build into a temporary prefix (cmake --install --prefix),
# copies examples/out-of-tree out of the repository (so it can reach nothing
# of reactc's but the prefix) and builds it four ways: the CMake package,
# shared and static, and pkg-config, shared and static. Each program must
# link the library the way it says (readelf), print its --help and serve its
# page, the shared ones with no LD_LIBRARY_PATH: through the RUNPATH the
# guide tells users to set. Then the guide's test through the test kit,
# built both ways (CMake's reactc::reactc_test, pkg-config's
# reactc_test.pc) and run. First, the guide must show the example's files
# exactly as they are (it pastes them; this is what keeps them the same).
#
# usage: run.sh BUILD_DIR SOURCE_DIR [C_COMPILER]
set -euo pipefail

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cc=${3:-cc}
tmp=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
unset LD_LIBRARY_PATH PKG_CONFIG_PATH CMAKE_PREFIX_PATH DESTDIR
fail() {
  echo "package: FAIL: $*" >&2
  exit 1
}
step() { echo "package: $*"; }

# The guide's copies: a comment line naming the file, then a fenced block.
guide=$src/docs/guide/getting-started.md
[ -f "$guide" ] || fail "no $guide"
for f in "$src"/examples/out-of-tree/*; do
  rel=examples/out-of-tree/$(basename "$f")
  awk -v name="<!-- $rel -->" '
    $0 == name { want = 1; next }
    want == 1 && /^```/ { want = 2; next }
    want == 2 && /^```$/ { exit }
    want == 2 { print }
    want == 1 { exit }' "$guide" > "$tmp/shown"
  cmp -s "$f" "$tmp/shown" || {
    diff -u "$f" "$tmp/shown" >&2 || true
    fail "$guide does not show $rel as it is (above: the file, then the guide)"
  }
done
step "the guide shows examples/out-of-tree/* as they are"

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" ||
  fail "cmake --install: $(cat "$tmp/install.log")"
pc=$(find "$prefix" -name reactc.pc)
[ -n "$pc" ] || fail "no reactc.pc installed"
step "installed into $prefix"

# get http://127.0.0.1:PORT: the page, through bash's /dev/tcp (no curl on
# a machine set up by scripts/install-deps.sh).
get() {
  local port=${1##*:}
  timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" &&
    printf "GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$0" >&3 &&
    cat <&3' "$port"
}

# checks BIN LINK: LINK is "shared" (NEEDED libreactc.so.0, a RUNPATH to it)
# or "static" (no libreactc at run time at all).
checks() {
  local bin=$1 link=$2 name=$3
  [ -x "$bin" ] || fail "$name: no program $bin"
  local dyn
  dyn=$(readelf -d "$bin")
  if [ "$link" = shared ]; then
    grep -q 'NEEDED.*\[libreactc\.so\.0\]' <<<"$dyn" || fail "$name: libreactc.so.0 is not NEEDED"
    grep -q "R\(UN\)\?PATH.*\[.*$prefix/" <<<"$dyn" ||
      fail "$name: no RUNPATH into $prefix: $(grep PATH <<<"$dyn")"
  else
    ! grep -q 'NEEDED.*libreactc' <<<"$dyn" || fail "$name: linked to libreactc.so"
  fi
  local out
  out=$("$bin" --help) || fail "$name: --help exited $?"
  grep -q -- '--port N' <<<"$out" || fail "$name: --help printed no usage: $out"

  # Serve: the page comes from the library (its HTML and the embedded client).
  # A log of its own: the shell truncates a reused one only once the
  # child runs, after the loop below may have read the last run's URL.
  local log
  log=$(mktemp -p "$tmp" serve.XXXX)
  "$bin" --port 0 > "$log" 2>&1 &
  pid=$!
  local url= i
  for ((i = 0; i < 200; i++)); do # the server's "serving" line, or 10 s
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" | head -n 1) || true
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || fail "$name: exited at start: $(cat "$log")"
    sleep 0.05
  done
  [ -n "$url" ] || fail "$name: never said it serves: $(cat "$log")"
  get "${url%/}" > "$tmp/page.html" 2> "$tmp/get.log" ||
    fail "$name: GET $url failed: $(cat "$tmp/get.log" "$log")"
  grep -q '<title>My counter</title>' "$tmp/page.html" || fail "$name: the page has no title"
  kill -TERM "$pid"
  wait "$pid" || fail "$name: SIGTERM: exit $?"
  pid=
  step "$name: $link, --help and a page from $url"
}

cmake_app() { # cmake_app NAME [cmake options]
  local dir=$tmp/$1
  shift
  cmake -S "$tmp/app" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS=-Werror \
    -DCMAKE_PREFIX_PATH="$prefix" "$@" > "$dir.log" 2>&1 &&
    cmake --build "$dir" >> "$dir.log" 2>&1 || fail "CMake build $dir: $(cat "$dir.log")"
  # The package found must be the one just installed, not another reactc.
  grep -q "^reactc_DIR:PATH=$prefix/" "$dir/CMakeCache.txt" ||
    fail "CMake found reactc elsewhere: $(grep reactc_DIR "$dir/CMakeCache.txt")"
}

make_app() { # make_app NAME [make variables]
  local dir=$tmp/$1
  shift
  cp -r "$tmp/app" "$dir"
  PKG_CONFIG_PATH=$(dirname "$pc") make -C "$dir" CC="$cc" \
    CFLAGS="-O2 -Wall -Wextra -Werror" "$@" > "$dir.log" 2>&1 ||
    fail "make in $dir: $(cat "$dir.log")"
}

cp -r "$src/examples/out-of-tree" "$tmp/app"

# The shared target needs no dependency's .pc or headers (only the static
# one does): pkg-config finds nothing here, and the package says so.
PKG_CONFIG_LIBDIR=/nonexistent cmake_app cmake-shared
grep -q 'reactc::reactc_static needs, and could not find: jansson' "$tmp/cmake-shared.log" ||
  fail "the package did without pkg-config silently: $(cat "$tmp/cmake-shared.log")"
checks "$tmp/cmake-shared/counter" shared "CMake, reactc::reactc"
# Installed, the program keeps its RUNPATH (INSTALL_RPATH_USE_LINK_PATH).
cmake --install "$tmp/cmake-shared" --prefix "$tmp/app-prefix" > /dev/null
checks "$tmp/app-prefix/bin/counter" shared "CMake, reactc::reactc, installed"
cmake_app cmake-static -DREACTC_STATIC=ON
checks "$tmp/cmake-static/counter" static "CMake, reactc::reactc_static"
# pkg-config: the prefix must be the one installed to, or every path is wrong.
[ "$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=prefix reactc)" = "$prefix" ] ||
  fail "reactc.pc's prefix is not the one installed to: $(grep '^prefix=' "$pc")"
make_app make-shared
checks "$tmp/make-shared/counter" shared "pkg-config"
make_app make-static STATIC=1
checks "$tmp/make-static/counter" static "pkg-config --static"

# The test kit as an app's tests use it (docs/guide/testing.md): the
# guide's test (examples/guide/counter_test.c, a resume included) of
# examples/counter.c's component (without its main: RC_NO_MAIN), copied out
# of the repository with the one header it includes, built against the
# installed prefix with the CMake package (reactc::reactc_test) and with
# pkg-config (reactc_test.pc), and run. Its asserts run in every build
# type (it undefines NDEBUG).
mkdir -p "$tmp/kit"
cp "$src/examples/guide/counter_test.c" "$src/examples/counter.c" "$src/examples/example.h" \
  "$tmp/kit/"
cat > "$tmp/kit/CMakeLists.txt" << 'EOF_CMAKE'
cmake_minimum_required(VERSION 3.20)
project(kit LANGUAGES C)
find_package(reactc 0.1 REQUIRED)
add_executable(counter_test counter_test.c counter.c)
target_compile_definitions(counter_test PRIVATE RC_NO_MAIN)
target_link_libraries(counter_test PRIVATE reactc::reactc_test)
EOF_CMAKE
cmake -S "$tmp/kit" -B "$tmp/kit-cmake" -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS=-Werror \
  -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/kit-cmake.log" 2>&1 &&
  cmake --build "$tmp/kit-cmake" >> "$tmp/kit-cmake.log" 2>&1 ||
  fail "the kit with CMake: $(cat "$tmp/kit-cmake.log")"
"$tmp/kit-cmake/counter_test" || fail "the kit's test (CMake) failed: exit $?"
step "test kit: reactc::reactc_test builds and runs a resume"
PKG_CONFIG_PATH=$(dirname "$pc") "$cc" -Wall -Wextra -Werror -DRC_NO_MAIN \
  $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags reactc_test) \
  -o "$tmp/kit/counter_test" "$tmp/kit/counter_test.c" "$tmp/kit/counter.c" \
  $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --libs reactc_test) > "$tmp/kit-pc.log" 2>&1 ||
  fail "the kit with pkg-config: $(cat "$tmp/kit-pc.log")"
"$tmp/kit/counter_test" || fail "the kit's test (pkg-config) failed: exit $?"
step "test kit: reactc_test.pc builds and runs a resume"
step "ok"
