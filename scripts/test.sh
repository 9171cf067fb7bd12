#!/usr/bin/env bash
# The README's test command (and CI's): installs what is missing, then builds and runs
# every test stage. A stage that fails stops the run with a non-zero exit.
#   1. build + every test suite (unit, net, integration, redis, e2e in a real Chromium)
#   2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. the concurrency tests under ThreadSanitizer
#   4. code quality: clang-format, clang-tidy, cppcheck, and the coverage of stage 1
#   5. a short libFuzzer run of every fuzz target (clang; longer runs: docs/security.md)
# Set WHISPER_STAGES="build asan" (etc.) to run a subset while developing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
./scripts/install-deps.sh test

stages=${WHISPER_STAGES:-build asan tsan quality fuzz}
jobs=$(nproc)
started=$(date +%s)

stage() { printf '\n=== %s (%ss elapsed) ===\n' "$1" "$(( $(date +%s) - started ))"; }
# Line tables only (-g1): enough for sanitizer reports and stack traces with file:line,
# and gcov does not read debug info at all; full -g makes the Asio/websocketpp-heavy
# translation units about 45 % slower to compile, four builds over.
debug_flags="-O2 -g1 -DNDEBUG"
configure() { # dir, extra cmake args...
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$debug_flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$debug_flags" \
    "$@" >/dev/null
}

for s in $stages; do
  case $s in
  build)
    stage "build and test (coverage-instrumented)"
    configure build -DWHISPER_COVERAGE=ON
    cmake --build build -j "$jobs"
    ctest --test-dir build --output-on-failure -j 2
    ;;
  asan)
    stage "AddressSanitizer + UndefinedBehaviorSanitizer"
    configure build-asan -DWHISPER_SANITIZE=address,undefined -DWHISPER_BUILD_BENCH=OFF -DWHISPER_BUILD_EXAMPLES=OFF
    cmake --build build-asan -j "$jobs"
    # The browser suite exercises pages and the install suite packaging, not memory
    # safety: they run once, in stage 1.
    # The fault tests check memory bounds only where RSS means something (stage 1).
    WHISPER_FAULTS_SANITIZED=1 \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-asan --output-on-failure -j 2 -LE 'e2e|bench|install'
    ;;
  tsan)
    stage "ThreadSanitizer (concurrency, transport and Redis tests)"
    configure build-tsan -DWHISPER_SANITIZE=thread -DWHISPER_BUILD_BENCH=OFF -DWHISPER_BUILD_EXAMPLES=OFF
    # Only what the selected tests run: the transport, concurrency and Redis test
    # programs, and the server the Redis integration suites start.
    cmake --build build-tsan -j "$jobs" --target whisper-server whisper-concurrency-tests \
      whisper_asio_server_tests whisper_asio_proxy_tests whisper_asio_codec_tests \
      whisper-redis-unit-tests whisper-redis-live-tests whisper-redis-chat-tests
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      ctest --test-dir build-tsan --output-on-failure -L 'concurrency|net|redis'
    ;;
  quality)
    stage "code quality"
    ./scripts/quality.sh build
    ;;
  fuzz)
    stage "fuzzing (${WHISPER_FUZZ_SECONDS:-10} s per target)"
    ./scripts/fuzz.sh "${WHISPER_FUZZ_SECONDS:-10}"
    ;;
  *) echo "unknown stage '$s' (build asan tsan quality fuzz)" >&2; exit 2 ;;
  esac
done
stage "all stages passed"
