#include "server_histogram.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace whisper_bench;

namespace {
const char* page(int b1, int b2, int inf) {
  static std::string text;
  text = "# TYPE x histogram\nwhisper_transport_write_turn_seconds_bucket{le=\"0.001\"} " +
         std::to_string(b1) + "\nwhisper_transport_write_turn_seconds_bucket{le=\"0.005\"} " +
         std::to_string(b2) + "\nwhisper_transport_write_turn_seconds_bucket{le=\"+Inf\"} " +
         std::to_string(inf) + "\nwhisper_transport_write_turn_seconds_sum 1.5\n";
  return text.c_str();
}
}  // namespace

TEST_CASE("a histogram is read from a metrics page; an absent one is nothing") {
  auto counts = parse_histogram(page(1, 2, 3), "whisper_transport_write_turn_seconds");
  REQUIRE(counts.has_value());
  CHECK(counts->upper_bounds.size() == 3);
  CHECK(counts->upper_bounds[1] == doctest::Approx(0.005));
  CHECK(counts->upper_bounds[2] == std::numeric_limits<double>::infinity());
  CHECK(counts->cumulative == std::vector<std::uint64_t>{1, 2, 3});
  CHECK_FALSE(parse_histogram(page(1, 2, 3), "whisper_other_seconds").has_value());
}

TEST_CASE("the quantile bound counts only what happened between the two scrapes") {
  const auto name = "whisper_transport_write_turn_seconds";
  // Before: 1000 fast turns (setup). Window: 98 more under 1 ms and 2 under 5 ms.
  const auto before = *parse_histogram(page(1000, 1000, 1000), name);
  const auto after = *parse_histogram(page(1098, 1100, 1100), name);
  CHECK(*quantile_bound(before, after, 0.98) == doctest::Approx(0.001));
  CHECK(*quantile_bound(before, after, 0.99) == doctest::Approx(0.005));
  CHECK_FALSE(quantile_bound(before, before, 0.99).has_value());  // nothing observed
}
