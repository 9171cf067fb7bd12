#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds embedders' projects against it
# from outside the tree: the consumer with find_package(whisper) (static and shared),
# components asked for and refused, every example of examples/ as a project of its own,
# and the consumer again through pkg-config, as C++20 and statically.
#   test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "install test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/whisper-server" || fail "whisper-server was not installed"
test -f "$prefix/include/whisper/whisper.hpp" || fail "no whisper/whisper.hpp"
test -f "$prefix/include/whisper/version.hpp" || fail "no whisper/version.hpp"
# The sample settings the systemd unit copies to /etc/whisper/whisper.toml.
test -f "$prefix/share/whisper/whisper.toml" || fail "the sample whisper.toml was not installed"
# The headers cite the protocol as installed there.
test -f "$prefix/share/doc/whisper/protocol.md" || fail "share/doc/whisper/protocol.md missing"
! grep -rl 'PROTOCOL\.md' "$prefix/include" || fail "installed headers cite PROTOCOL.md"
cmakedir=$prefix/lib/cmake/whisper
# 0.x: the soname carries major.minor (a minor version may break the ABI).
version=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$cmakedir/whisperConfigVersion.cmake")
soname=$(objdump -p "$prefix/lib/libwhisper.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libwhisper.so.${version%.*}" ] || fail "soname $soname, want libwhisper.so.${version%.*}"

# Each component ships its headers and .pc file only when it was built.
has() { test -f "$cmakedir/whisper-$1-targets.cmake"; }
if has redis; then
  test -f "$prefix/include/whisper/redis_channel_layer.hpp" || fail "redis headers missing"
  test -f "$prefix/lib/pkgconfig/whisper-redis.pc" || fail "whisper-redis.pc missing"
else
  ! test -e "$prefix/include/whisper/redis_url.hpp" || fail "redis headers without the component"
fi
if has asio; then
  test -d "$prefix/include/whisper/asio" || fail "whisper/asio/ headers missing"
  test -f "$prefix/lib/pkgconfig/whisper-asio.pc" || fail "whisper-asio.pc missing"
else
  ! test -e "$prefix/include/whisper/asio" || fail "whisper/asio/ headers without the component"
fi

echo "--- find_package(whisper): static and shared"
cmake -S "$src/tests/install/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/consumer" -j 2 >/dev/null
"$tmp/consumer/consumer"
LD_LIBRARY_PATH="$prefix/lib" "$tmp/consumer/consumer_shared"

# configure_with COMPONENTS...: configures a project asking for those components; its
# output is in $tmp/probe.log.
configure_with() {
  mkdir -p "$tmp/probe"
  cat >"$tmp/probe/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(probe LANGUAGES CXX)
find_package(whisper 0.2 REQUIRED ${*:+COMPONENTS $*})
foreach(c $*)
  if(NOT whisper_\${c}_FOUND OR NOT TARGET whisper::\${c})
    message(FATAL_ERROR "component \${c}: whisper_\${c}_FOUND=\${whisper_\${c}_FOUND}")
  endif()
endforeach()
EOF
  rm -rf "$tmp/probe-build"
  cmake -S "$tmp/probe" -B "$tmp/probe-build" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/probe.log" 2>&1
}
expect_refusal() { # pattern, env..., -- components...
  local pattern=$1; shift
  local envs=(); while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  if (for e in "${envs[@]}"; do export "${e?}"; done; configure_with "$@"); then
    fail "find_package(whisper COMPONENTS $*) succeeded where it must fail ($pattern)"
  fi
  # CMake wraps the message: compare with the lines joined.
  tr -s ' \n' ' ' <"$tmp/probe.log" | grep -q "$pattern" ||
    { cat "$tmp/probe.log"; fail "no '$pattern' in the message"; }
}

echo "--- find_package(whisper COMPONENTS ...)"
for c in redis asio; do
  if has $c; then
    configure_with $c || { cat "$tmp/probe.log"; fail "component $c was built but not found"; }
  else
    expect_refusal "component $c: this whisper was built without it" -- $c
  fi
done
expect_refusal "component nosuch: no such component" -- nosuch
# A missing dependency is named by its Debian package, not by a pkg-config error.
mkdir -p "$tmp/empty"
expect_refusal "libargon2-dev" PKG_CONFIG_LIBDIR="$tmp/empty" PKG_CONFIG_PATH= --
if has redis; then
  # libargon2 is there, hiredis is not.
  mkdir -p "$tmp/argon2-only"
  cp "$(pkg-config --variable=pcfiledir libargon2)/libargon2.pc" "$tmp/argon2-only/"
  expect_refusal "libhiredis-dev" PKG_CONFIG_LIBDIR="$tmp/argon2-only" PKG_CONFIG_PATH= -- redis
fi

echo "--- every example, built alone against the package"
for dir in "$src"/examples/*/; do
  name=$(basename "$dir")
  { [ -f "$dir/CMakeLists.txt" ] && [ -f "$dir/main.cpp" ]; } || continue
  needs=$(sed -n 's/.*find_package(whisper .*COMPONENTS \([a-z ]*\)).*/\1/p' "$dir/CMakeLists.txt")
  missing=""
  for c in $needs; do has "$c" || missing+=" $c"; done
  if [ -n "$missing" ]; then
    echo "examples/$name: skipped (the package has no component$missing)"
    continue
  fi
  cmake -S "$dir" -B "$tmp/examples/$name" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null ||
    fail "examples/$name does not configure against the package"
  cmake --build "$tmp/examples/$name" -j 2 >/dev/null || fail "examples/$name does not build"
  if grep -q -- '--self-test' "$dir/main.cpp"; then
    "$tmp/examples/$name/example-$name" --self-test >/dev/null || fail "examples/$name: self-test"
  fi
  echo "examples/$name: built"
done

echo "--- pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# The .pc file names the configured prefix; point pkg-config at the temporary one.
pc() { pkg-config --define-variable=prefix="$prefix" "$@"; }
cflags=$(pc --cflags whisper)
case " $cflags " in *" -std="*) fail "whisper.pc forces a language standard: $cflags" ;; esac
# C++20 stays C++20 (main.cpp asserts it), against the shared library.
# shellcheck disable=SC2046
c++ -std=c++20 -DWHISPER_EXPECT_CXX20 "$src/tests/install/consumer/main.cpp" \
    -o "$tmp/consumer_pc" $(pc --cflags --libs whisper)
LD_LIBRARY_PATH="$prefix/lib" "$tmp/consumer_pc"
# Statically: --static brings libargon2 (Requires.private).
static_libs=$(pc --static --libs whisper | sed 's/-lwhisper /-l:libwhisper.a /')
# A coverage build (scripts/test.sh, stage 1) installs an instrumented library.
# grep reads to the end (no -q): an early exit would fail nm with SIGPIPE under pipefail.
if nm "$prefix/lib/libwhisper.a" 2>/dev/null | grep __gcov_ >/dev/null; then static_libs+=" --coverage"; fi
# shellcheck disable=SC2086
c++ "$src/tests/install/consumer/main.cpp" -o "$tmp/consumer_pc_static" $cflags $static_libs
"$tmp/consumer_pc_static"
if has redis; then
  pc --exists --print-errors whisper-redis || fail "whisper-redis.pc does not resolve"
fi
"$prefix/bin/whisper-server" --version
echo "install test passed"
