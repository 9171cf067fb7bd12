// The reconnect schedule: exponential from min to max, jittered within [base/2, base].
#include <doctest/doctest.h>

#include <initializer_list>

#include "reconnect_backoff.hpp"

using std::chrono::milliseconds;
using whisper::redis_detail::reconnect_delay;

TEST_CASE("without jitter the delay doubles from min until it reaches max") {
  const milliseconds min(100), max(5000);
  CHECK(reconnect_delay(0, min, max, 1.0) == milliseconds(100));
  CHECK(reconnect_delay(1, min, max, 1.0) == milliseconds(200));
  CHECK(reconnect_delay(2, min, max, 1.0) == milliseconds(400));
  CHECK(reconnect_delay(5, min, max, 1.0) == milliseconds(3200));
  CHECK(reconnect_delay(6, min, max, 1.0) == milliseconds(5000));
  CHECK(reconnect_delay(1000, min, max, 1.0) == milliseconds(5000));  // no overflow
}

TEST_CASE("jitter keeps the delay between half the base and the base, and above min") {
  const milliseconds min(100), max(5000);
  CHECK(reconnect_delay(3, min, max, 0.0) == milliseconds(400));
  CHECK(reconnect_delay(3, min, max, 0.5) == milliseconds(600));
  CHECK(reconnect_delay(0, min, max, 0.0) == milliseconds(100));  // base/2 < min
  for (int attempt = 0; attempt < 20; ++attempt) {
    for (double j : {0.0, 0.3, 0.7, 1.0, -4.0, 9.0}) {
      const auto d = reconnect_delay(attempt, min, max, j);
      CHECK(d >= min);
      CHECK(d <= max);
    }
  }
}

TEST_CASE("inconsistent bounds are repaired rather than trusted") {
  CHECK(reconnect_delay(3, milliseconds(0), milliseconds(0), 1.0) == milliseconds(1));
  CHECK(reconnect_delay(3, milliseconds(500), milliseconds(100), 1.0) == milliseconds(500));
}
