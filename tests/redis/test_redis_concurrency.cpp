// Calls from many threads at once: the layer keeps per-thread order for each group and
// loses nothing while Redis is healthy (run under ThreadSanitizer too).
#include <doctest/doctest.h>

#include <map>

#include "layer_pair.hpp"
#include "whisper/event.hpp"

using namespace whisper;
using namespace std::chrono_literals;

TEST_CASE("concurrent senders on one layer: every member everywhere gets all, in order") {
  test::redis_server redis;
  test::layer_pair p(redis);
  std::vector<std::shared_ptr<test::recording_channel>> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(std::make_shared<test::recording_channel>());
    p.a.group_add("room-12", p.a.add_channel(members.back()));
    members.push_back(std::make_shared<test::recording_channel>());
    p.b.group_add("room-12", p.b.add_channel(members.back()));
  }
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-12") == 2; }));

  constexpr int threads = 4, per_thread = 200;
  std::vector<std::thread> senders;
  for (int t = 0; t < threads; ++t) {
    senders.emplace_back([&, t] {
      auto& layer = t % 2 == 0 ? p.a : p.b;  // both processes send at once
      for (int i = 0; i < per_thread; ++i) {
        layer.group_send("room-12",
                         make_message_event(12, msg_type::message, "sender" + std::to_string(t),
                                            std::to_string(i)));
      }
    });
  }
  // Meanwhile other channels join and leave the same group from another thread.
  std::thread churn([&] {
    for (int i = 0; i < 100; ++i) {
      auto name = p.b.add_channel(std::make_shared<test::recording_channel>());
      p.b.group_add("room-12", name);
      p.b.remove_channel(name);
    }
  });
  for (auto& s : senders) s.join();
  churn.join();

  for (const auto& m : members) {
    REQUIRE(m->wait_for(threads * per_thread, 10s));
    std::map<std::string, int> next;  // per sender, the next expected sequence number
    for (const auto& e : m->events()) {
      const auto& said = *e->as<chat_message>();
      CHECK(std::stoi(said.text) == next[said.username]);
      next[said.username] = std::stoi(said.text) + 1;
    }
    CHECK(next.size() == threads);
  }
  CHECK(p.a.stats().publish_failures == 0);
  CHECK(p.b.stats().publish_failures == 0);
  CHECK(redis.subscribers("t:group:room-12") == 2);
}
