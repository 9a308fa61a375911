#!/usr/bin/env bash
# Configures and builds countryhub into build/ (or $BUILD_DIR) with Ninja.
# Extra arguments go to CMake, e.g. -DCOUNTRYHUB_SANITIZE=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" \
  >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
