# CMake toolchain file: reactc for 64-bit ARM Linux (aarch64) from a Debian 12
# amd64 machine, with Debian's cross compiler and the :arm64 -dev packages
# (scripts/install-deps.sh --arm64). `make cross-arm64` uses it:
#
#   cmake -S . -B build-arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake
#
# Debian's multiarch layout, not a sysroot: the arm64 headers are in
# /usr/include beside the amd64 ones (identical files, or the packages could
# not be co-installed), the libraries in /usr/lib/aarch64-linux-gnu and
# their .pc files in /usr/lib/aarch64-linux-gnu/pkgconfig.
#
# Adapting it (docs/embedded.md, "Cross-building for arm64"):
# - armhf (32-bit ARM, hard float): crossbuild-essential-armhf and the
#   :armhf packages; RC_TRIPLET arm-linux-gnueabihf, CMAKE_SYSTEM_PROCESSOR
#   arm, qemu-arm-static.
# - a Yocto SDK (environment-setup-* sourced) or a Buildroot SDK
#   (output/host/share/buildroot/toolchainfile.cmake): use the SDK's own
#   toolchain file instead; it sets CMAKE_SYSROOT, which replaces the
#   multiarch paths below (every dependency comes from the sysroot, and its
#   pkg-config looks only there). Keep CMAKE_CROSSCOMPILING_EMULATOR
#   (qemu-aarch64 -L <sysroot>) if you want ctest to run the unit tests.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

# The GNU triplet names the compiler, the multiarch directories and the
# pkg-config wrapper alike.
set(RC_TRIPLET aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${RC_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${RC_TRIPLET}-g++)
# find_library looks in <prefix>/lib/${CMAKE_LIBRARY_ARCHITECTURE} first,
# which is where multiarch puts the arm64 libraries.
set(CMAKE_LIBRARY_ARCHITECTURE ${RC_TRIPLET})

# Where find_* may look for the target's files. The cross compiler's own
# libc is under /usr/${RC_TRIPLET}; everything else (libwebsockets, libev,
# ...) is under / (/usr/include, /usr/lib/${RC_TRIPLET}). Without `/` here
# find_library(ev) and find_path(ev.h) (libev ships no .pc file) find
# nothing. Programs (node, bash, clang-format) are the build machine's.
set(CMAKE_FIND_ROOT_PATH /usr/${RC_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config for the target: Debian's wrapper (pkgconf:arm64) reads only the
# arm64 .pc files, so an amd64 -dev package can never answer for a missing
# arm64 one. PKG_CONFIG_LIBDIR says the same for a plain pkg-config.
set(PKG_CONFIG_EXECUTABLE ${RC_TRIPLET}-pkg-config CACHE FILEPATH "pkg-config for ${RC_TRIPLET}")
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${RC_TRIPLET}/pkgconfig:/usr/share/pkgconfig)

# ctest runs the target's programs through qemu-user. Explicitly, not via
# binfmt_misc, which containers often do not mount. The arm64 loader and
# libraries come from the :arm64 packages in /lib/${RC_TRIPLET}, where the
# binaries' interpreter path (/lib/ld-linux-aarch64.so.1) finds them, so no
# -L is needed.
find_program(RC_QEMU qemu-${CMAKE_SYSTEM_PROCESSOR}-static)
if(RC_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${RC_QEMU})
endif()
