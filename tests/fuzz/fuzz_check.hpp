// FUZZ_CHECK: an invariant check for the fuzz targets. assert() is compiled out under
// NDEBUG (which RelWithDebInfo defines), so the targets use this instead: it stays on in
// every build type and aborts, which makes libFuzzer save the input as a crash file and
// makes the corpus replay test fail.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace whisper_fuzz {

[[noreturn]] inline void check_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, condition);
  std::abort();
}

}  // namespace whisper_fuzz

// A macro (not a function) so the message can name the condition and where it is.
#define FUZZ_CHECK(condition)         \
  ((condition) ? static_cast<void>(0) \
               : ::whisper_fuzz::check_failed(#condition, __FILE__, __LINE__))
