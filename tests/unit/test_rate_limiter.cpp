// The rate limit on what a client sends (commands; a transport's pings and pongs): a
// token bucket, and strikes (forgiven one per second) that close a client that keeps
// sending past the rate.
#include <doctest/doctest.h>

#include <chrono>

#include "whisper/rate_limiter.hpp"

using whisper::rate_limiter;
using verdict = rate_limiter::verdict;
using namespace std::chrono_literals;

namespace {
const auto start = std::chrono::steady_clock::time_point{} + 1h;

whisper::limits rules(double per_second, double burst, std::size_t strikes) {
  whisper::limits lim;
  lim.commands_per_second = per_second;
  lim.command_burst = burst;
  lim.rate_limit_strikes = strikes;
  return lim;
}
}  // namespace

TEST_CASE("rate limit: the burst is accepted, then frames are refused") {
  const auto lim = rules(20.0, 40.0, 50);
  rate_limiter limit(lim, start);
  for (int i = 0; i < 40; ++i) REQUIRE(limit.take(start) == verdict::accept);
  CHECK(limit.take(start) == verdict::refuse);
}

TEST_CASE("rate limit: tokens come back at the steady rate, up to the burst") {
  const auto lim = rules(20.0, 40.0, 50);
  rate_limiter limit(lim, start);
  for (int i = 0; i < 40; ++i) limit.take(start);
  CHECK(limit.take(start + 50ms) == verdict::accept);  // one token in 1/20 s
  CHECK(limit.take(start + 50ms) == verdict::refuse);
  const auto later = start + 1h;  // a long quiet time refills the burst, not more
  for (int i = 0; i < 40; ++i) REQUIRE(limit.take(later) == verdict::accept);
  CHECK(limit.take(later) == verdict::refuse);
}

TEST_CASE("rate limit: a flood is closed after rate_limit_strikes refusals") {
  const auto lim = rules(20.0, 40.0, 50);
  rate_limiter limit(lim, start);
  for (int i = 0; i < 40; ++i) limit.take(start);
  for (int i = 0; i < 49; ++i) REQUIRE(limit.take(start) == verdict::refuse);
  CHECK(limit.take(start) == verdict::close);
}

TEST_CASE("rate limit: accepted frames between refusals do not reset the strikes") {
  // Mostly refused (two refusals per accepted frame): closed all the same.
  const auto lim = rules(20.0, 1.0, 10);
  rate_limiter limit(lim, start);
  auto now = start;
  verdict last = verdict::accept;
  for (int round = 0; round < 20 && last != verdict::close; ++round) {
    now += 50ms;  // one token
    REQUIRE(limit.take(now) == verdict::accept);
    last = limit.take(now);
    if (last != verdict::close) last = limit.take(now);
  }
  CHECK(last == verdict::close);
}

TEST_CASE("rate limit: a client steadily faster than the rate is closed") {
  // 30 a second against 20: some get through, the strikes grow faster than forgiven.
  const auto lim = rules(20.0, 1.0, 50);
  rate_limiter limit(lim, start);
  auto now = start;
  int accepted = 0;
  verdict last = verdict::accept;
  for (int i = 0; i < 30 * 60 && last != verdict::close; ++i) {
    now += std::chrono::microseconds(33333);
    last = limit.take(now);
    if (last == verdict::accept) ++accepted;
  }
  CHECK(last == verdict::close);
  CHECK(accepted > 50);
}

TEST_CASE("rate limit: strikes are forgiven over time") {
  // A burst past the limit now and then (well under the strikes) never adds up.
  const auto lim = rules(20.0, 40.0, 50);
  rate_limiter limit(lim, start);
  auto now = start;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 40; ++i) REQUIRE(limit.take(now) == verdict::accept);
    for (int i = 0; i < 40; ++i) REQUIRE(limit.take(now) == verdict::refuse);
    now += 60s;
  }
}

TEST_CASE("rate limit: a rate of 0 switches the limit off") {
  const auto lim = rules(0.0, 0.0, 1);
  rate_limiter limit(lim, start);
  for (int i = 0; i < 10000; ++i) REQUIRE(limit.take(start) == verdict::accept);
}

TEST_CASE("rate limit: strikes are whole, so quick refusals reach the limit whatever the jitter") {
  // Three refusals a few milliseconds apart against three strikes: closed on the third.
  const auto lim = rules(0.1, 1.0, 3);
  rate_limiter limit(lim, start);
  REQUIRE(limit.take(start) == verdict::accept);
  CHECK(limit.take(start + 3ms) == verdict::refuse);
  CHECK(limit.take(start + 7ms) == verdict::refuse);
  CHECK(limit.take(start + 11ms) == verdict::close);
}

TEST_CASE("rate limit: one strike is forgiven per whole second since the first") {
  const auto lim = rules(0.001, 1.0, 3);
  rate_limiter limit(lim, start);
  REQUIRE(limit.take(start) == verdict::accept);
  REQUIRE(limit.take(start) == verdict::refuse);          // strike 1, counted from start
  REQUIRE(limit.take(start + 900ms) == verdict::refuse);  // strike 2: nothing forgiven yet
  CHECK(limit.take(start + 1100ms) == verdict::refuse);   // one forgiven, strike 2 again
  CHECK(limit.take(start + 1200ms) == verdict::close);    // strike 3
}
