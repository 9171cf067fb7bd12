// A fixed-bucket latency histogram for Prometheus, lock-free: observe() is on the chat
// message path, so it only does relaxed atomic increments (no lock, no allocation). The
// transport keeps one in server_stats; whisper-server times its fan-outs with another.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace whisper::net {

/// Counts durations into buckets from 10 µs to 100 ms (1-2.5-5 steps) plus +Inf.
///
/// Thread safety: observe() and the readers may run concurrently from any thread. A
/// reader may see a count and a sum from slightly different instants (as any scrape of
/// live counters); every value it sees is monotonic.
class latency_histogram {
 public:
  /// Upper bounds in microseconds, ascending (Prometheus "le" labels).
  static constexpr std::array<std::uint64_t, 13> bounds_us = {
      10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000};

  void observe(std::chrono::nanoseconds elapsed) {
    const auto ns = static_cast<std::uint64_t>(elapsed.count() < 0 ? 0 : elapsed.count());
    std::size_t index = 0;
    while (index < bounds_us.size() && ns > bounds_us[index] * 1000) ++index;
    buckets_[index].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  }

  /// Observations in bucket `index` alone (not cumulative); index bounds_us.size() is +Inf.
  std::uint64_t bucket(std::size_t index) const {
    return buckets_[index].load(std::memory_order_relaxed);
  }
  std::uint64_t sum_ns() const { return sum_ns_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, bounds_us.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace whisper::net
