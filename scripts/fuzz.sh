#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Clang in build-fuzz (ASan + UBSan on
# every target, coverage instrumentation for libFuzzer) and runs each for a while.
#   scripts/fuzz.sh [seconds-per-target] [target...]     (default: 20 s, every target)
# New interesting inputs go to build-fuzz/corpus/<target>/ (scratch, not committed);
# crashes to build-fuzz/artifacts/<target>/. A crash, leak, sanitizer report or timeout
# makes the script exit non-zero and lists the reproducer files: copy each into
# tests/fuzz/corpus/<target>/ once fixed, so the ordinary ctest run replays it forever.
# Longer runs and minimising: docs/security.md "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-20}
shift || true
build=${WHISPER_FUZZ_BUILD:-$root/build-fuzz}
all_targets=(fuzz_utf8 fuzz_frame_parser fuzz_cookies_origin fuzz_event fuzz_dispatch fuzz_http_form
             fuzz_http_request)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt-get install clang)" >&2; exit 2; }

# The sanitizers come from the project's WHISPER_SANITIZE (every target, no recovery);
# -fsanitize=fuzzer-no-link adds libFuzzer's coverage hooks to the libraries too.
# Line tables only: symbolized crash reports need file:line, not full debug info.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWHISPER_FUZZ=ON -DWHISPER_BUILD_BENCH=OFF -DWHISPER_BUILD_EXAMPLES=OFF \
  -DWHISPER_SANITIZE=address,undefined \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" >/dev/null

# Only the targets this tree has (fuzz_http_form needs the server app, for example).
available=$(cmake --build "$build" --target help | sed -n 's/^\.\.\. \(fuzz_[a-z0-9_]*\)$/\1/p')
present=()
for t in "${targets[@]}"; do
  if grep -qx "$t" <<<"$available"; then present+=("$t"); else echo "fuzz.sh: skipping $t (not in this build)"; fi
done
[[ ${#present[@]} -eq 0 ]] && { echo "fuzz.sh: no fuzz target to build" >&2; exit 2; }
cmake --build "$build" --target "${present[@]}" -j2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${present[@]}"; do
  binary=$(find "$build/tests/fuzz" -maxdepth 1 -type f -name "$t" -perm -u+x | head -n1)
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  echo "=== $t: ${seconds}s ==="
  # The first corpus directory receives new inputs; the committed seeds are read only.
  if ! "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
      "$build/corpus/$t" "$root/tests/fuzz/corpus/$t" 2>"$build/artifacts/$t.log"; then
    failed+=("$t")
    tail -n 40 "$build/artifacts/$t.log" >&2
  else
    grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$build/artifacts/$t.log" || true
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  for t in "${failed[@]}"; do ls -1 "$build/artifacts/$t"/* 2>/dev/null >&2 || true; done
  exit 1
fi
echo "fuzz.sh: every target ran ${seconds}s without a finding"
