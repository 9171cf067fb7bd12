// The health-check policy: when a connection is probed and when it is given up, from
// timestamps alone.
#include <doctest/doctest.h>

#include <initializer_list>

#include "connection_health.hpp"

using whisper::redis_detail::connection_health;
using verdict = connection_health::verdict;
using std::chrono::milliseconds;

namespace {

const connection_health::clock::time_point t0{};

connection_health::clock::time_point at(int ms) {
  return t0 + milliseconds(ms);
}

connection_health make_health() {
  return connection_health(milliseconds(200), milliseconds(500), t0);
}

}  // namespace

TEST_CASE("a quiet connection is probed once the interval passes without traffic") {
  auto h = make_health();
  CHECK(h.check(at(199)) == verdict::healthy);
  CHECK(h.check(at(200)) == verdict::ping_now);
  h.received(at(150), false);  // a pub/sub message proves Redis alive: no probe needed yet
  CHECK(h.check(at(300)) == verdict::healthy);
  CHECK(h.check(at(350)) == verdict::ping_now);
}

TEST_CASE("an unanswered probe is not repeated before another interval") {
  auto h = make_health();
  h.probed(at(200));
  h.sent(at(200));
  CHECK(h.check(at(399)) == verdict::healthy);
  CHECK(h.check(at(400)) == verdict::ping_now);
}

TEST_CASE("an answered probe keeps the connection healthy indefinitely") {
  auto h = make_health();
  for (int t = 200; t < 10000; t += 250) {
    REQUIRE(h.check(at(t)) == verdict::ping_now);
    h.probed(at(t));
    h.sent(at(t));
    h.received(at(t + 5), true);
    CHECK(h.waiting() == 0);
    CHECK(h.check(at(t + 100)) == verdict::healthy);
  }
}

TEST_CASE("a command left unanswered for the timeout makes the connection dead") {
  auto h = make_health();
  h.sent(at(100));
  CHECK(h.check(at(599)) != verdict::dead);
  CHECK(h.check(at(600)) == verdict::dead);
}

TEST_CASE("the deadline runs from the oldest waiting command, not the newest") {
  auto h = make_health();
  h.sent(at(100));
  h.sent(at(400));  // a steady stream of new commands must not hide the old one
  h.sent(at(550));
  CHECK(h.check(at(600)) == verdict::dead);
}

TEST_CASE("each answer restarts the deadline for the command now at the head") {
  auto h = make_health();
  h.sent(at(0));
  h.sent(at(10));
  h.received(at(400), true);  // the first is answered late but within the timeout
  CHECK(h.waiting() == 1);
  CHECK(h.check(at(899)) != verdict::dead);  // the second has waited 499 ms at the head
  CHECK(h.check(at(900)) == verdict::dead);
  h.received(at(899), true);  // ... unless it is answered in time
  CHECK(h.waiting() == 0);
  CHECK(h.check(at(5000)) != verdict::dead);  // nothing waits: silence alone is not death
}

TEST_CASE("a pub/sub message does not count as the answer to a command") {
  auto h = make_health();
  h.sent(at(0));
  h.received(at(100), false);
  CHECK(h.waiting() == 1);
}

TEST_CASE("a zero interval or timeout disables the check") {
  connection_health off_interval(milliseconds(0), milliseconds(500), t0);
  connection_health off_timeout(milliseconds(200), milliseconds(0), t0);
  connection_health never_enabled;
  for (auto* h : {&off_interval, &off_timeout, &never_enabled}) {
    CHECK_FALSE(h->enabled());
    h->sent(at(0));
    CHECK(h->check(at(100000)) == verdict::healthy);
  }
  CHECK(make_health().enabled());
}

TEST_CASE("checks come often enough for a verdict to be at most a quarter period late") {
  CHECK(make_health().check_every() == milliseconds(50));
  CHECK(connection_health(milliseconds(5000), milliseconds(5000), t0).check_every() ==
        milliseconds(1250));
  CHECK(connection_health(milliseconds(1), milliseconds(1), t0).check_every() == milliseconds(10));
}
