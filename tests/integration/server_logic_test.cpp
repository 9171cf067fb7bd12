// In-process checks of whisper-server's ops logic that the loopback-only integration
// suite cannot reach: the metrics access rule for non-loopback peers, the login
// throttle's sliding window and memory bound, the latency histogram's buckets, and the
// log helpers (JSON fields, "did you mean"), and the room title rule. The transport's
// connection counts and log helpers are tested in tests/asio/connection_counter_test.cpp.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "http/login_throttle.hpp"
#include "http/site.hpp"
#include "ops/did_you_mean.hpp"
#include "ops/logging.hpp"
#include "store/room_title.hpp"
#include "whisper/asio/latency_histogram.hpp"

using namespace std::chrono_literals;
using whisper::net::latency_histogram;
using whisper_server::login_throttle;
using whisper_server::metrics_access_allowed;

TEST_CASE("local metrics are refused to non-loopback peers and allowed to loopback ones") {
  CHECK(metrics_access_allowed("local", "127.0.0.1", false));
  CHECK(metrics_access_allowed("local", "127.8.9.10", false));
  CHECK(metrics_access_allowed("local", "::1", false));
  CHECK(metrics_access_allowed("local", "::ffff:127.0.0.1", false));
  CHECK_FALSE(metrics_access_allowed("local", "10.0.0.1", false));
  CHECK_FALSE(metrics_access_allowed("local", "::ffff:192.168.1.2", false));
  CHECK_FALSE(metrics_access_allowed("local", "2001:db8::1", false));
  CHECK_FALSE(metrics_access_allowed("local", "not an address", false));
}

TEST_CASE("token metrics need the API token; public needs nothing; off allows nobody") {
  CHECK_FALSE(metrics_access_allowed("token", "127.0.0.1", false));
  CHECK(metrics_access_allowed("token", "10.0.0.1", true));
  CHECK(metrics_access_allowed("public", "10.0.0.1", false));
  CHECK_FALSE(metrics_access_allowed("off", "127.0.0.1", true));
}

TEST_CASE("a username is throttled at its limit until its oldest failure leaves the window") {
  login_throttle throttle(3, 100);
  const auto t0 = login_throttle::clock::now();
  for (int i = 0; i < 3; ++i) {
    CHECK(throttle.allowed("alice", "10.0.0.1", t0 + i * 10s));
    throttle.record_failure("alice", "10.0.0.1", t0 + i * 10s);
  }
  CHECK_FALSE(throttle.allowed("alice", "10.0.0.2", t0 + 30s));
  CHECK(throttle.allowed("bob", "10.0.0.1", t0 + 30s));
  // Sliding: the failure at t0 ages out at t0+60s, the one at t0+10s still counts.
  CHECK(throttle.allowed("alice", "10.0.0.1", t0 + 60s));
  throttle.record_failure("alice", "10.0.0.1", t0 + 60s);
  CHECK_FALSE(throttle.allowed("alice", "10.0.0.1", t0 + 61s));
}

TEST_CASE("an address is throttled across usernames and a success does not reset it") {
  login_throttle throttle(100, 2);
  const auto t0 = login_throttle::clock::now();
  throttle.record_failure("a", "10.0.0.1", t0);
  throttle.record_failure("b", "10.0.0.1", t0);
  throttle.record_success("a");
  CHECK_FALSE(throttle.allowed("c", "10.0.0.1", t0 + 1s));
  CHECK(throttle.allowed("c", "10.0.0.2", t0 + 1s));
}

TEST_CASE("a success clears the username's failures") {
  login_throttle throttle(2, 100);
  const auto t0 = login_throttle::clock::now();
  throttle.record_failure("alice", "10.0.0.1", t0);
  throttle.record_failure("alice", "10.0.0.1", t0);
  CHECK_FALSE(throttle.allowed("alice", "10.0.0.3", t0));
  throttle.record_success("alice");
  CHECK(throttle.allowed("alice", "10.0.0.3", t0));
}

TEST_CASE("the throttle remembers at most max_keys keys per kind") {
  login_throttle throttle(5, 5, 100);
  const auto t0 = login_throttle::clock::now();
  for (int i = 0; i < 1000; ++i) {
    throttle.record_failure("user" + std::to_string(i), "ip" + std::to_string(i), t0 + 1ms * i);
  }
  CHECK(throttle.size() <= 200);
  // Expired keys are pruned when room is needed, so a fresh minute starts clean.
  throttle.record_failure("late", "late-ip", t0 + 5min);
  CHECK(throttle.size() == 2);
}

TEST_CASE("usernames longer than any real one share the counter of their prefix") {
  login_throttle throttle(1, 100);
  const auto t0 = login_throttle::clock::now();
  const std::string prefix(login_throttle::max_key_bytes, 'x');
  throttle.record_failure(prefix + "first", "10.0.0.1", t0);
  CHECK_FALSE(throttle.allowed(prefix + "second", "10.0.0.2", t0));
  CHECK(throttle.allowed(prefix.substr(1), "10.0.0.2", t0));
}

TEST_CASE("a zero limit disables that throttle") {
  login_throttle throttle(0, 0);
  const auto t0 = login_throttle::clock::now();
  for (int i = 0; i < 50; ++i) throttle.record_failure("alice", "10.0.0.1", t0);
  CHECK(throttle.allowed("alice", "10.0.0.1", t0));
  CHECK(throttle.size() == 0);
}

TEST_CASE("latency observations land in the first bucket whose bound they do not exceed") {
  latency_histogram histogram;
  histogram.observe(5us);   // <= 10 µs
  histogram.observe(10us);  // <= 10 µs (bounds are inclusive, as Prometheus' le)
  histogram.observe(11us);  // <= 25 µs
  histogram.observe(3ms);   // <= 5 ms
  histogram.observe(2s);    // +Inf
  histogram.observe(-1us);  // clock oddity: counted as 0
  CHECK(histogram.bucket(0) == 3);
  CHECK(histogram.bucket(1) == 1);
  CHECK(histogram.bucket(8) == 1);
  CHECK(histogram.bucket(latency_histogram::bounds_us.size()) == 1);
  CHECK(histogram.sum_ns() == 5000 + 10000 + 11000 + 3000000 + 2000000000ULL);
}

TEST_CASE("JSON log fields are the known key=value words of a message") {
  const auto fields =
      whisper_server::log_fields("websocket user=bob remote=10.0.0.1: closed (code=1000) x=1");
  REQUIRE(fields.size() == 3);
  CHECK(fields[0] == std::pair<std::string_view, std::string_view>{"user", "bob"});
  CHECK(fields[1] == std::pair<std::string_view, std::string_view>{"remote", "10.0.0.1"});
  CHECK(fields[2] == std::pair<std::string_view, std::string_view>{"code", "1000"});
  CHECK(whisper_server::json_log_line("critical", "a \"b\"")
            .find(R"("level":"critical","message":"a \"b\"")") != std::string::npos);
}

TEST_CASE("a typo is answered with the closest name, a stranger with none") {
  const std::vector<std::string> commands = {"migrate", "runserver", "createuser", "listrooms"};
  CHECK(whisper_server::closest_name("runservr", commands) == "runserver");
  CHECK(whisper_server::closest_name("LISTROOMS", commands) == "listrooms");
  CHECK_FALSE(whisper_server::closest_name("deploy", commands).has_value());
  CHECK(whisper_server::did_you_mean("migrat", commands) == " (did you mean 'migrate'?)");
  CHECK(whisper_server::did_you_mean("zzz", commands).empty());
}

TEST_CASE("a room title is 1 to 200 characters of UTF-8, counted in code points") {
  using whisper_server::room_title_problem;
  CHECK(room_title_problem("Lobby").empty());
  CHECK(room_title_problem(std::string(200, 'x')).empty());
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";  // 200 "é", 400 bytes
  CHECK(room_title_problem(accents).empty());
  CHECK(room_title_problem("\xF0\x9F\x92\xAC chat").empty());  // an emoji is one character
  CHECK(room_title_problem(accents + "x") ==
        "The room title must be at most 200 characters long (this one has 201).");
  CHECK(room_title_problem(std::string(255, 'x')).find("at most 200 characters") !=
        std::string::npos);
  CHECK(room_title_problem("") == "The room title must not be empty.");
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                          "a\xFF"
                          "b",
                          "\xE2\x82"}) {
    CHECK(room_title_problem(bad) == "The room title must be UTF-8 text.");
  }
}
