// A log-linear latency histogram (the idea of HdrHistogram, reduced to what the
// bench needs): values below 256 are counted exactly; above, every power of two is
// split into 128 linear sub-buckets, so any recorded value is reported within 1/128
// (0.8%) of itself. Recording is one bit-scan, a shift and an increment; no
// allocation after construction, so it can sit on the receive path.
//
// Thread safety: distinct objects: safe. Shared objects: unsafe. Each bench thread
// owns one and the main thread merges them after the threads have joined.
#pragma once

#include <cstdint>
#include <vector>

namespace whisper_bench {

class histogram {
 public:
  static constexpr int sub_bits = 7;  // 128 sub-buckets per power of two
  static constexpr std::uint64_t half = 1ULL << sub_bits;

  histogram();

  void record(std::uint64_t value);
  void merge(const histogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const;

  // The smallest recorded-bucket bound v such that at least `percent`% of the
  // values are <= v (reported as the bucket's highest value, capped at max()).
  std::uint64_t percentile(double percent) const;

  // Bucket arithmetic, exposed for the unit tests.
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lowest_of(std::size_t index);
  static std::uint64_t highest_of(std::size_t index);

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace whisper_bench
