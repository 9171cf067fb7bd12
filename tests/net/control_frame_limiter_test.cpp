// The control-frame rate limit: a token bucket with the command limits, and strikes
// (forgiven at one per second) that close a client that keeps pinging past the rate.
#include "control_frame_limiter.hpp"

#include <doctest/doctest.h>

#include <chrono>

namespace net = whisper_server::net;
using verdict = net::control_frame_limiter::verdict;
using namespace std::chrono_literals;

namespace {
const auto start = std::chrono::steady_clock::time_point{} + 1h;
}  // namespace

TEST_CASE("control frames: the burst is accepted, then frames are refused") {
  net::control_frame_limiter limit(20.0, 40.0, 50, start);
  for (int i = 0; i < 40; ++i) REQUIRE(limit.take(start) == verdict::accept);
  CHECK(limit.take(start) == verdict::refuse);
}

TEST_CASE("control frames: tokens come back at the steady rate, up to the burst") {
  net::control_frame_limiter limit(20.0, 40.0, 50, start);
  for (int i = 0; i < 40; ++i) limit.take(start);
  CHECK(limit.take(start + 50ms) == verdict::accept);  // one token in 1/20 s
  CHECK(limit.take(start + 50ms) == verdict::refuse);
  const auto later = start + 1h;  // a long quiet time refills the burst, not more
  for (int i = 0; i < 40; ++i) REQUIRE(limit.take(later) == verdict::accept);
  CHECK(limit.take(later) == verdict::refuse);
}

TEST_CASE("control frames: a flood is closed after rate_limit_strikes refusals") {
  net::control_frame_limiter limit(20.0, 40.0, 50, start);
  for (int i = 0; i < 40; ++i) limit.take(start);
  for (int i = 0; i < 49; ++i) REQUIRE(limit.take(start) == verdict::refuse);
  CHECK(limit.take(start) == verdict::close);
}

TEST_CASE("control frames: accepted frames between refusals do not reset the strikes") {
  // Mostly refused (two refusals per accepted frame): closed all the same.
  net::control_frame_limiter limit(20.0, 1.0, 10, start);
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

TEST_CASE("control frames: a client steadily faster than the rate is closed") {
  // 30 a second against 20: some get through, the strikes grow faster than forgiven.
  net::control_frame_limiter limit(20.0, 1.0, 50, start);
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

TEST_CASE("control frames: strikes are forgiven over time") {
  // A burst past the limit now and then (well under the strikes) never adds up.
  net::control_frame_limiter limit(20.0, 40.0, 50, start);
  auto now = start;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 40; ++i) REQUIRE(limit.take(now) == verdict::accept);
    for (int i = 0; i < 40; ++i) REQUIRE(limit.take(now) == verdict::refuse);
    now += 60s;
  }
}

TEST_CASE("control frames: a rate of 0 switches the limit off") {
  net::control_frame_limiter limit(0.0, 0.0, 1, start);
  for (int i = 0; i < 10000; ++i) REQUIRE(limit.take(start) == verdict::accept);
}
