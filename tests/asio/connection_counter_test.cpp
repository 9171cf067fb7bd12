// The transport's bookkeeping that needs no socket: the per-key and server-wide
// connection counts, and the helpers that keep client-controlled text and refusal
// floods out of the log.
#include "connection_counter.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "log_rate_limit.hpp"
#include "whisper/asio/log_text.hpp"

using namespace std::chrono_literals;

TEST_CASE("the total connection cap refuses every key once reached and frees on release") {
  using counter = whisper::net::connection_counter<int>;
  auto count = std::make_shared<counter>();
  counter::refusal why = counter::refusal::none;
  auto a = count->try_acquire(1, 0, 2, why);
  auto b = count->try_acquire(2, 0, 2, why);
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(count->try_acquire(3, 0, 2, why));
  CHECK(why == counter::refusal::total_limit);
  CHECK(count->total() == 2);
  a->release();
  CHECK(count->try_acquire(3, 0, 2, why));  // a temporary: released again at once
  CHECK(why == counter::refusal::none);
  CHECK(count->total() == 1);
}

TEST_CASE("the per-key limit still refuses under the total cap, and says which") {
  using counter = whisper::net::connection_counter<int>;
  auto count = std::make_shared<counter>();
  counter::refusal why = counter::refusal::none;
  auto a = count->try_acquire(7, 1, 10, why);
  REQUIRE(a);
  CHECK_FALSE(count->try_acquire(7, 1, 10, why));
  CHECK(why == counter::refusal::key_limit);
  // No limits at all: nothing counted.
  auto free = count->try_acquire(8, 0, 0, why);
  CHECK(free);
  CHECK(count->total() == 1);
}

TEST_CASE("client text in logs has its control bytes escaped and is cut short") {
  using whisper::net::log_text;
  CHECK(log_text("http://a.example") == "http://a.example");
  CHECK(log_text("x\x1b[2J\x07\r\ny") == "x\\x1b[2J\\x07\\x0d\\x0ay");
  CHECK(log_text("a\\b") == "a\\x5cb");  // a backslash cannot forge an escape
  CHECK(log_text(std::string(8000, 'A'), 10) == "AAAAAAAAAA...(7990 more bytes)");
}

TEST_CASE("refusal lines: the first at once, then one a second per kind with the count left out") {
  whisper::net::log_rate_limit limit;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  CHECK(limit.admit(403, t0) == 0U);
  CHECK_FALSE(limit.admit(403, t0 + 10ms).has_value());
  CHECK_FALSE(limit.admit(403, t0 + 900ms).has_value());
  CHECK(limit.admit(400, t0 + 900ms) == 0U);  // another kind has its own second
  CHECK(limit.admit(403, t0 + 1001ms) == 2U);
  CHECK_FALSE(limit.admit(403, t0 + 1500ms).has_value());
}
