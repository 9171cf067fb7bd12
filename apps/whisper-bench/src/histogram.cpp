#include "histogram.hpp"

#include <algorithm>
#include <cmath>

namespace whisper_bench {
namespace {

// Index layout: index = (shift << sub_bits) + (value >> shift), where shift is 0 for
// value < 2*half and otherwise makes (value >> shift) land in [half, 2*half).
// The ranges of consecutive shifts are contiguous, so the array has no holes.
constexpr std::size_t bucket_count =
    ((64 - histogram::sub_bits) << histogram::sub_bits) + histogram::half;

int shift_for(std::uint64_t value) {
  if (value < 2 * histogram::half) return 0;
  int top_bit = 63 - __builtin_clzll(value);
  return top_bit - histogram::sub_bits;
}

int shift_of_index(std::size_t index) {
  if (index < 2 * histogram::half) return 0;
  return static_cast<int>(index >> histogram::sub_bits) - 1;
}

}  // namespace

histogram::histogram() : buckets_(bucket_count, 0) {}

std::size_t histogram::index_of(std::uint64_t value) {
  int shift = shift_for(value);
  return (static_cast<std::size_t>(shift) << sub_bits) + (value >> shift);
}

std::uint64_t histogram::lowest_of(std::size_t index) {
  int shift = shift_of_index(index);
  std::uint64_t mantissa = index - (static_cast<std::size_t>(shift) << sub_bits);
  return mantissa << shift;
}

std::uint64_t histogram::highest_of(std::size_t index) {
  int shift = shift_of_index(index);
  return lowest_of(index) + ((1ULL << shift) - 1);
}

void histogram::record(std::uint64_t value) {
  ++buckets_[index_of(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double histogram::mean() const {
  return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t histogram::percentile(double percent) const {
  if (count_ == 0) return 0;
  double wanted = std::ceil(std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
  auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(highest_of(i), max_);
  }
  return max_;
}

}  // namespace whisper_bench
