// What the main thread and the bench threads share while a run is in progress: the
// phase, the measurement window, and per-thread progress figures the threads publish
// once per loop turn (relaxed atomics: the main thread only needs them roughly
// current, and the exact totals are read after the threads have joined).
//
// Thread safety: every member is atomic; the main thread writes the phase and the
// window, each bench thread writes only its own thread_progress.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>

namespace whisper_bench {

enum class phase : int {
  setup = 0,    // connecting and joining
  sending = 1,  // load runs (warmup, then measured window)
  stopped = 2,  // no new load; late deliveries still counted
  exit = 3,     // threads close everything and return
};

struct alignas(64) thread_progress {
  std::atomic<std::uint64_t> joined{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> received_measured{0};
  std::atomic<std::uint64_t> expected_measured{0};
  std::atomic<std::uint64_t> completed_measured{0};
};

struct run_control {
  std::atomic<whisper_bench::phase> phase{whisper_bench::phase::setup};
  std::atomic<std::uint64_t> measure_start_ns{UINT64_MAX};
  std::atomic<std::uint64_t> measure_end_ns{UINT64_MAX};
  std::deque<thread_progress> progress;  // one per thread; a deque never moves them

  bool in_window(std::uint64_t ns) const {
    return ns >= measure_start_ns.load(std::memory_order_relaxed) &&
           ns < measure_end_ns.load(std::memory_order_relaxed);
  }
  std::uint64_t sum(std::atomic<std::uint64_t> thread_progress::*field) const {
    std::uint64_t total = 0;
    for (const auto& p : progress) total += (p.*field).load(std::memory_order_relaxed);
    return total;
  }
};

}  // namespace whisper_bench
