#!/usr/bin/env bash
# Builds and installs whisper-server and libwhisper: the build step of the Dockerfile,
# kept here so it can be run (and tested) without a Docker engine.
#   deploy/container-build.sh [PREFIX] [BUILD_DIR]     (defaults: /usr/local, /tmp/whisper-build)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-/usr/local}
build=${2:-/tmp/whisper-build}
"$src/scripts/install-deps.sh" run
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
      -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_BENCH=OFF -DWHISPER_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"
cmake --install "$build"
