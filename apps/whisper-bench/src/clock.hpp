// Monotonic nanosecond clock shared by every bench thread.
//
// Send times travel inside the chat message ("t=<ns>") and are compared with the
// receive time on another thread of the same process, so one clock for all threads
// is required: CLOCK_MONOTONIC is system-wide and never jumps.
#pragma once

#include <time.h>

#include <cstdint>

namespace whisper_bench {

inline std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

constexpr std::uint64_t ns_per_sec = 1000000000ULL;

}  // namespace whisper_bench
