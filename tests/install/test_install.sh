#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds an embedder's project against
# it twice: with find_package(whisper) (static and shared) and with pkg-config.
#   test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -x "$tmp/prefix/bin/whisper-server" || { echo "whisper-server was not installed"; exit 1; }
test -f "$tmp/prefix/include/whisper/whisper.hpp"
test -f "$tmp/prefix/include/whisper/version.hpp"
# The sample settings the systemd unit copies to /etc/whisper/whisper.toml.
test -f "$tmp/prefix/share/whisper/whisper.toml" || { echo "the sample whisper.toml was not installed"; exit 1; }

cmake -S "$src/tests/install/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer" -j 2 >/dev/null
"$tmp/consumer/consumer"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer/consumer_shared"

pc=$(find "$tmp/prefix" -name whisper.pc)
# The .pc file names the configured prefix; point pkg-config at the temporary one.
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-variable=prefix="$tmp/prefix" --cflags --libs whisper)
# shellcheck disable=SC2086
c++ "$src/tests/install/consumer/main.cpp" -o "$tmp/consumer_pc" $flags -largon2
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer_pc"
"$tmp/prefix/bin/whisper-server" --version
echo "install test passed"
