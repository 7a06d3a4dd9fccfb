# reactc — the two quickstart commands are `make demo` and `make test`.
# Everything else is built by CMake + Ninja in build/ (build-asan/, build-fuzz/, build-clang/,
# build-size/, build-arm64/).

BUILD      ?= build
CMAKE_ARGS ?=
JOBS       ?= $(shell nproc)

.PHONY: all deps configure build test test-asan test-tsan test-valgrind test-clang test-lean fuzz bench size format demo dev clean install \
        deps-arm64 cross-arm64 test-arm64 size-arm64

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The README's first command: every example in one app on http://127.0.0.1:8000.
DEMO_PORT ?= 8000
demo: build
	@echo "reactc demo: open http://127.0.0.1:$(DEMO_PORT)/ (counter, todo, dashboard, form); Ctrl-C stops it"
	./$(BUILD)/examples/gallery --port $(DEMO_PORT)

# Develop with hot reload (docs/dev.md): edit examples/$(EXAMPLE).c (or any
# source), save, and the open pages show the change with their state kept.
EXAMPLE ?= gallery
dev: build
	./$(BUILD)/reactc-dev --port $(DEMO_PORT) -- ./$(BUILD)/examples/$(EXAMPLE)

# Installs the library, its headers, reactc.pc, the CMake package and the
# tools (reactc-dev, reactc-secret, reactc-passwd) under PREFIX, from a build
# of their own in build-install/ with no test, benchmark or example
# (docs/guide/getting-started.md). PREFIX=$$HOME/.local needs no root; as
# root, ldconfig then makes a new libreactc.so.0 known to the loader.
PREFIX ?= /usr/local
install:
	@bash scripts/install-deps.sh --lib
	cmake -S . -B build-install -G Ninja -DCMAKE_INSTALL_PREFIX=$(PREFIX) -DRC_BUILD_TESTS=OFF \
	  -DRC_BUILD_BENCH=OFF -DRC_BUILD_EXAMPLES=OFF $(CMAKE_ARGS)
	cmake --build build-install -j $(JOBS)
	cmake --install build-install
	@if [ "$$(id -u)" = 0 ]; then ldconfig; fi
	@echo "reactc: installed under $(PREFIX): find_package(reactc) or pkg-config reactc;" \
	  "a program linking libreactc.so from a prefix the loader does not search needs" \
	  "-Wl,-rpath (docs/guide/getting-started.md)"

# The README's test command: dependencies, build, every test through CTest.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included).
test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRC_SANITIZE=ON -DRC_BUILD_BENCH=OFF
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -L unit -j $(JOBS)

# Unit tests under ThreadSanitizer: the paths other threads take into the
# library (rc_app_post, rc_store_publish_*: tests/unit/test_store_publish.c).
test-tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRC_TSAN=ON -DRC_BUILD_BENCH=OFF \
	  -DRC_BUILD_EXAMPLES=OFF
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -L unit -j $(JOBS)

# Unit tests under valgrind memcheck (leaks are errors).
VALGRIND = valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1
test-valgrind: build
	@set -e; for t in $(BUILD)/tests/unit/test_*; do \
	  echo "valgrind: $$t"; $(VALGRIND) $$t > /dev/null; done; echo "valgrind: no errors, no leaks"

# The same build with clang (warnings are errors with both compilers).
test-clang: deps
	CC=clang cmake -S . -B build-clang -G Ninja -DRC_BUILD_BENCH=ON
	cmake --build build-clang -j $(JOBS)
	cd build-clang && ctest --output-on-failure -L unit -j $(JOBS)

# Every RC_WITH_* option off (docs/size.md): the leanest library, and
# everything that still builds against it (the examples, guides, benchmarks
# and tests that need a left-out feature are left out with it), its unit,
# lint and browser tests run (about a dozen browser files are left: a
# minute). The options are read from CMakeLists.txt, so a new
# one is covered the day it is added.
LEAN_OPTIONS = $(shell grep -o '^option.RC_WITH_[A-Z0-9_]*' CMakeLists.txt | sed 's/^option.\(.*\)/-D\1=OFF/')
test-lean: deps
	cmake -S . -B build-lean -G Ninja -DRC_BUILD_BENCH=ON $(LEAN_OPTIONS)
	cmake --build build-lean -j $(JOBS)
	cd build-lean && ctest --output-on-failure -L 'unit|lint|compile|e2e|chaos' -j $(JOBS)

# arm64 (docs/embedded.md, "Cross-building for arm64"): the library, the
# examples and the unit tests cross-compiled for aarch64 into build-arm64/
# (cmake/toolchain-aarch64.cmake). Its dependencies are opt-in
# (scripts/install-deps.sh --arm64), so `make test` never pays for them.
# No benchmarks: their figures would be qemu's, not a device's.
ARM64_BUILD ?= build-arm64
deps-arm64:
	@bash scripts/install-deps.sh --arm64

cross-arm64: deps-arm64
	cmake -S . -B $(ARM64_BUILD) -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
	  -DRC_BUILD_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(ARM64_BUILD) -j $(JOBS)

# Every unit test of the arm64 build under qemu-user (the toolchain file's
# CMAKE_CROSSCOMPILING_EMULATOR), then the arm64 counter under qemu driven
# by the host's Chromium: clicks, kill -9, restart, resume
# (tests/e2e/arm64/counter.test.mjs).
test-arm64: cross-arm64
	cd $(ARM64_BUILD) && ctest --output-on-failure -L unit -j $(JOBS)
	cd tests/e2e && REACTC_BUILD_DIR=$(abspath $(ARM64_BUILD)) \
	  REACTC_EMULATOR=qemu-aarch64-static node --test arm64/counter.test.mjs

# libFuzzer targets, a bounded run each (FUZZ_RUNS inputs, each within FUZZ_TIMEOUT s).
FUZZ_RUNS ?= 200000
# Seconds one input may take: a slow (super-linear) input fails the run.
FUZZ_TIMEOUT ?= 2
fuzz: deps
	CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRC_FUZZ=ON \
	  -DRC_BUILD_TESTS=OFF -DRC_BUILD_BENCH=OFF -DRC_BUILD_EXAMPLES=OFF
	cmake --build build-fuzz -j $(JOBS)
	@set -e; for f in build-fuzz/tests/fuzz/fuzz_*; do \
	  name=$$(basename $$f); corpus=tests/fuzz/corpus/$$name; \
	  echo "fuzz: $$name ($(FUZZ_RUNS) runs)"; \
	  mkdir -p build-fuzz/corpus/$$name; \
	  $$f -runs=$(FUZZ_RUNS) -max_len=4096 -timeout=$(FUZZ_TIMEOUT) build-fuzz/corpus/$$name $$( [ -d $$corpus ] && echo $$corpus ); \
	done

# Every benchmark in one run, then docs/performance.md regenerated from its
# figures (bench/run.sh: about five minutes, bounded at twelve; each step's output in
# $(BUILD)/bench/run.log).
bench: build
	BUILD=$(abspath $(BUILD)) bench/run.sh

# libreactc's code + data (size(1)) per layer, for $(BUILD) and for a MinSizeRel
# build with every RC_WITH_* option off in build-size/, each option's cost
# (build-size-opt/) and the device preset (scripts/size.sh, docs/size.md);
# fails when the core's libreactc.so is over 200 KB or a check of what it
# refuses fails. size-arm64: the same for arm64 (build-size-arm64*/), after
# the opt-in install (deps-arm64), its checks under qemu.
size: configure
	BUILD=$(BUILD) JOBS=$(JOBS) bash scripts/size.sh

size-arm64: deps-arm64
	SIZE_TOOLCHAIN=cmake/toolchain-aarch64.cmake JOBS=$(JOBS) bash scripts/size.sh

# Formats every C file with .clang-format (clang-format 14, Debian's), except
# the generated client bundle and the fixtures kept byte for byte.
format:
	git ls-files '*.c' '*.h' | grep -v -e client_bundle.c -e tests/unit/fixtures/ | xargs clang-format -i

clean:
	rm -rf build build-asan build-tsan build-clang build-fuzz build-size build-install \
	  $(ARM64_BUILD)
