// The health check against a real Redis that hangs (SIGSTOP keeps its connections open):
// the layer and presence notice within a bounded time, local rooms keep working, and
// everything recovers once Redis answers again; a healthy Redis is never given up on.
#include <doctest/doctest.h>

#include <future>

#include "layer_pair.hpp"
#include "whisper/event.hpp"
#include "whisper/redis_presence.hpp"

using namespace whisper;
using namespace std::chrono_literals;

namespace {

redis_options health_options(const test::redis_server& redis) {
  auto o = test::fast_options(redis);
  o.health_check_interval = 200ms;
  o.health_check_timeout = 500ms;
  return o;
}

// Collects warnings (and above) from every layer sharing the options.
struct warning_log {
  std::mutex mutex;
  std::vector<std::string> lines;
  void attach(redis_options& o) {
    o.log = [this](int level, std::string_view text) {
      std::lock_guard lock(mutex);
      if (level >= redis_log_level::warn) lines.emplace_back(text);
    };
  }
  std::size_t count(std::string_view needle) {
    std::lock_guard lock(mutex);
    std::size_t n = 0;
    for (const auto& l : lines) n += l.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("a hung Redis is declared down, local rooms keep working, and resuming it heals") {
  test::redis_server redis;
  auto options = health_options(redis);
  warning_log warnings;
  warnings.attach(options);
  test::layer_pair p(options);
  auto on_a = std::make_shared<test::recording_channel>();
  auto on_b = std::make_shared<test::recording_channel>();
  p.a.group_add("room-7", p.a.add_channel(on_a));
  p.b.group_add("room-7", p.b.add_channel(on_b));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-7") == 2; }));
  REQUIRE(test::eventually([&] { return p.connected(); }));

  // --- hang: the TCP connections stay open, only silence tells ---
  redis.pause();
  REQUIRE(test::eventually([&] { return !p.a.stats().connected && !p.b.stats().connected; }));
  // Both connections of each layer (publisher, subscriber) give up, not necessarily together.
  CHECK(test::eventually([&] {
    return p.a.stats().health_check_failures >= 2 && p.b.stats().health_check_failures >= 2;
  }));
  for (int i = 0; i < 5; ++i) {
    p.a.group_send("room-7", make_message_event(7, msg_type::message, "a", "during"));
  }
  CHECK(on_a->count() == 5);  // delivered on the caller's thread, no Redis needed
  REQUIRE(test::eventually([&] { return p.a.stats().publish_failures == 5; }));
  // Reconnect attempts keep failing meanwhile (Redis accepts TCP but never answers);
  // each layer's publisher said so once, the retries are not news.
  std::this_thread::sleep_for(1s);
  CHECK_FALSE(p.a.stats().connected);
  CHECK(warnings.count("health check") == 2);
  CHECK(on_b->count() == 0);

  // --- recovery: both processes reconnect and resubscribe on their own ---
  redis.resume();
  REQUIRE(test::eventually([&] { return p.connected(); }, 10s));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-7") == 2; }, 10s));
  CHECK(p.a.stats().reconnects >= 2);
  p.a.group_send("room-7", make_message_event(7, msg_type::message, "a", "after"));
  REQUIRE(on_b->wait_for(1));
  CHECK(on_b->events().front()->as<chat_message>()->text == "after");
  p.b.group_send("room-7", make_message_event(7, msg_type::message, "b", "back"));
  REQUIRE(on_a->wait_for(7));
  CHECK(on_a->events().back()->as<chat_message>()->text == "back");
}

TEST_CASE("a healthy idle layer is probed on both connections and never declared down") {
  test::redis_server redis;
  test::layer_pair p(health_options(redis));
  REQUIRE(test::eventually([&] { return p.connected(); }));
  REQUIRE(
      test::eventually([&] { return redis.subscribers("t:process:" + p.a.process_id()) == 1; }));
  const auto pings = redis.calls("ping");
  const auto subscribes = redis.calls("subscribe");

  // Idle for ten intervals: every probe must be answered in time.
  int down_samples = 0;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    down_samples += p.connected() ? 0 : 1;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(down_samples == 0);
  CHECK(p.a.stats().health_check_failures == 0);
  CHECK(p.b.stats().health_check_failures == 0);
  CHECK(p.a.stats().reconnects == 0);
  // Probes went out on both kinds of connection (the publishers PING, the subscribers
  // repeat a SUBSCRIBE); two layers over 2 s at one per 200 ms of silence.
  CHECK(redis.calls("ping") - pings >= 4);
  CHECK(redis.calls("subscribe") - subscribes >= 4);
  // The repeated SUBSCRIBE changed nothing in Redis.
  CHECK(redis.subscribers("t:process:" + p.a.process_id()) == 1);
}

TEST_CASE("presence answers from its own view while Redis hangs, and catches up after") {
  test::redis_server redis;
  test::io_thread loop_a;
  test::io_thread loop_b;
  redis_presence a(loop_a.io(), health_options(redis));
  redis_presence b(loop_b.io(), health_options(redis));
  a.start();
  b.start();
  // -1: no answer within 5 s (list() must always answer).
  auto users_in_room_3 = [](redis_presence& p) {
    auto result = std::make_shared<std::promise<std::size_t>>();
    auto answer = result->get_future();
    p.list(3, [result](std::vector<presence_entry> e) { result->set_value(e.size()); });
    if (answer.wait_for(5s) != std::future_status::ready) return -1;
    return static_cast<int>(answer.get());
  };
  a.entered(3, user{1, "alice", "Alice A.", false, true});
  REQUIRE(test::eventually([&] { return users_in_room_3(b) == 1; }));

  redis.pause();
  a.entered(3, user{2, "bob", "Bob B.", false, true});
  // HGETALL waits for a Redis that never answers; the health check closes the connection,
  // which fails the command and lets list() fall back to this process's own users.
  CHECK(users_in_room_3(a) == 2);

  redis.resume();
  // b has no users of its own: it can only learn of bob from Redis, once a has
  // reconnected and rewritten its share.
  REQUIRE(test::eventually([&] { return users_in_room_3(b) == 2; }, 10s));
  a.stop();
  b.stop();
}
