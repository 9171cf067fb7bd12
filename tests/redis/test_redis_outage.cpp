// Redis going away at run time: local rooms keep working, failures are counted, and
// cross-process delivery resumes once Redis is back.
#include <doctest/doctest.h>

#include "layer_pair.hpp"
#include "whisper/event.hpp"

using namespace whisper;
using namespace std::chrono_literals;

TEST_CASE("killing Redis keeps local delivery, counts failures; a restart resumes delivery") {
  test::redis_server redis;
  auto options = test::fast_options(redis);
  std::mutex log_mutex;
  std::vector<std::string> warnings;
  options.log = [&](int level, std::string_view text) {
    std::lock_guard lock(log_mutex);
    if (level >= redis_log_level::warn) warnings.emplace_back(text);
  };
  test::layer_pair p(options);
  auto on_a = std::make_shared<test::recording_channel>();
  auto also_a = std::make_shared<test::recording_channel>();
  auto on_b = std::make_shared<test::recording_channel>();
  p.a.group_add("room-5", p.a.add_channel(on_a));
  p.a.group_add("room-5", p.a.add_channel(also_a));
  p.b.group_add("room-5", p.b.add_channel(on_b));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-5") == 2; }));
  REQUIRE(p.connected());

  // --- outage ---
  redis.kill();
  REQUIRE(test::eventually([&] { return !p.a.stats().connected && !p.b.stats().connected; }));
  for (int i = 0; i < 10; ++i) {
    p.a.group_send("room-5", make_message_event(5, msg_type::message, "alice", "during"));
  }
  CHECK(on_a->count() == 10);  // delivered on the caller's thread, no Redis needed
  CHECK(also_a->count() == 10);
  REQUIRE(test::eventually([&] { return p.a.stats().publish_failures == 10; }));
  CHECK(on_b->count() == 0);  // what B misses during the outage
  {
    // Each link logs the loss once (plus at most one "cannot reach" per link), not
    // once per retry.
    std::this_thread::sleep_for(300ms);
    std::lock_guard lock(log_mutex);
    CHECK(warnings.size() >= 2);
    CHECK(warnings.size() <= 8);
  }

  // --- recovery: same port, both processes resubscribe on their own ---
  redis.start();
  REQUIRE(test::eventually([&] { return p.connected(); }, 10s));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-5") == 2; }, 10s));
  CHECK(p.a.stats().reconnects >= 2);  // publisher and subscriber
  p.a.group_send("room-5", make_message_event(5, msg_type::message, "alice", "after"));
  REQUIRE(on_b->wait_for(1));
  CHECK(on_b->events().front()->as<chat_message>()->text == "after");
  p.b.group_send("room-5", make_message_event(5, msg_type::message, "bob", "back"));
  REQUIRE(on_a->wait_for(12));
  CHECK(on_a->events().back()->as<chat_message>()->text == "back");
}

TEST_CASE("groups joined during an outage are subscribed when Redis returns") {
  test::redis_server redis;
  test::layer_pair p(redis);
  REQUIRE(test::eventually([&] { return p.connected(); }));
  redis.kill();
  REQUIRE(test::eventually([&] { return !p.a.stats().connected; }));
  auto late = std::make_shared<test::recording_channel>();
  p.a.group_add("room-6", p.a.add_channel(late));
  redis.start();
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-6") == 1; }, 10s));
  REQUIRE(test::eventually([&] { return p.b.stats().connected.load(); }, 10s));
  p.b.group_send("room-6", make_message_event(6, msg_type::message, "b", "welcome"));
  REQUIRE(late->wait_for(1));
}

TEST_CASE("stopping a layer while Redis is down returns promptly") {
  test::redis_server redis;
  auto p = std::make_unique<test::layer_pair>(redis);
  REQUIRE(test::eventually([&] { return p->connected(); }));
  redis.kill();
  const auto started = std::chrono::steady_clock::now();
  p.reset();
  CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("a hung Redis bounds the publishes waiting for it and local rooms keep working") {
  test::redis_server redis;
  auto options = test::fast_options(redis);
  options.max_pending_publishes = 100;
  // The bound alone: with the health check on, the waiting publishes would fail once it
  // gave the hung connection up (test_redis_health_check.cpp covers that). A zero
  // interval turns it off, whatever the timeout.
  options.health_check_interval = std::chrono::milliseconds(0);
  options.health_check_timeout = std::chrono::milliseconds(200);
  test::layer_pair p(options);
  auto local = std::make_shared<test::recording_channel>();
  auto remote = std::make_shared<test::recording_channel>();
  p.a.group_add("room-11", p.a.add_channel(local));
  p.b.group_add("room-11", p.b.add_channel(remote));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-11") == 2; }));

  redis.pause();
  for (int i = 0; i < 250; ++i) {
    p.a.group_send("room-11", make_message_event(11, msg_type::message, "a", std::to_string(i)));
  }
  CHECK(local->count() == 250);
  REQUIRE(test::eventually([&] { return p.a.stats().publish_failures == 150; }));
  std::this_thread::sleep_for(600ms);  // three would-be timeouts
  CHECK(p.a.stats().connected);
  CHECK(p.a.stats().health_check_failures == 0);

  redis.resume();
  // The 100 that were waiting go through; then new publishes flow again.
  REQUIRE(remote->wait_for(100));
  // B may get the messages before A has read Redis's replies to its PUBLISHes; until it
  // has, they still count against max_pending_publishes and a new one would be dropped.
  REQUIRE(test::eventually([&] { return p.a.stats().messages_published == 100; }));
  p.a.group_send("room-11", make_message_event(11, msg_type::message, "a", "after"));
  REQUIRE(remote->wait_for(101));
  CHECK(remote->events().back()->as<chat_message>()->text == "after");
  CHECK(p.a.stats().publish_failures == 150);
}
