#include "histogram.hpp"

#include <doctest/doctest.h>

#include <cstdint>

using whisper_bench::histogram;

TEST_CASE("values below 256 are counted exactly") {
  for (std::uint64_t v = 0; v < 256; ++v) {
    auto index = histogram::index_of(v);
    CHECK(histogram::lowest_of(index) == v);
    CHECK(histogram::highest_of(index) == v);
  }
}

TEST_CASE("every value lands in a bucket that contains it, within 1/128") {
  std::uint64_t v = 1;
  while (v < (1ULL << 62)) {
    for (std::uint64_t probe : {v, v + 1, v * 3 / 2, 2 * v - 1}) {
      auto index = histogram::index_of(probe);
      CHECK(histogram::lowest_of(index) <= probe);
      CHECK(histogram::highest_of(index) >= probe);
      auto width = histogram::highest_of(index) - histogram::lowest_of(index);
      CHECK(width <= probe / 128);
    }
    v *= 2;
  }
}

TEST_CASE("bucket indices grow with the value and leave no gaps") {
  std::size_t previous = histogram::index_of(1000);
  for (std::uint64_t v = 1001; v < 200000; ++v) {
    auto index = histogram::index_of(v);
    CHECK(index >= previous);
    CHECK(index <= previous + 1);
    previous = index;
  }
}

TEST_CASE("the largest value fits in the table") {
  histogram h;
  h.record(UINT64_MAX);
  CHECK(h.count() == 1);
  CHECK(h.max() == UINT64_MAX);
  CHECK(h.percentile(100) == UINT64_MAX);
}

TEST_CASE("percentiles of 1..100000 are within 1% of the true ones") {
  histogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v);
  CHECK(h.count() == 100000);
  CHECK(h.min() == 1);
  CHECK(h.max() == 100000);
  CHECK(h.mean() == doctest::Approx(50000.5));
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    double truth = p * 1000.0;
    double got = static_cast<double>(h.percentile(p));
    CHECK(got >= truth);
    CHECK(got <= truth * 1.01);
  }
  CHECK(h.percentile(100) == 100000);
}

TEST_CASE("one slow outlier shows in max and p99.9 but not in p99") {
  histogram h;
  for (int i = 0; i < 999; ++i) h.record(1000);
  h.record(5000000);
  CHECK(h.percentile(99) <= 1010);
  CHECK(h.percentile(99.95) >= 5000000 * 0.99);
  CHECK(h.max() == 5000000);
}

TEST_CASE("merging two histograms equals recording everything in one") {
  histogram a, b, all;
  for (std::uint64_t v = 1; v < 5000; v += 3) {
    a.record(v);
    all.record(v);
  }
  for (std::uint64_t v = 70000; v < 90000; v += 7) {
    b.record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  for (double p : {1.0, 25.0, 50.0, 75.0, 99.0}) CHECK(a.percentile(p) == all.percentile(p));
}

TEST_CASE("an empty histogram reports zeros") {
  histogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.percentile(99) == 0);
  CHECK(h.mean() == 0.0);
}
