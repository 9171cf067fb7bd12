// Two processes (two layers, two io_contexts) sharing one real Redis.
#include <doctest/doctest.h>

#include <stdexcept>

#include "layer_pair.hpp"
#include "whisper/event.hpp"

using namespace whisper;
using namespace std::chrono_literals;

namespace {

std::string group_channel(const std::string& group) {
  return "t:group:" + group;
}

}  // namespace

TEST_CASE("a member on layer A receives a group_send made on layer B") {
  test::redis_server redis;
  test::layer_pair p(redis);
  auto alice = std::make_shared<test::recording_channel>();
  p.a.group_add("room-7", p.a.add_channel(alice));
  REQUIRE(test::eventually([&] { return redis.subscribers(group_channel("room-7")) == 1; }));

  p.b.group_send("room-7", make_message_event(7, msg_type::message, "bob", "hi from B"));
  REQUIRE(alice->wait_for(1));
  const auto e = alice->events().front();
  const auto* m = e->as<chat_message>();
  REQUIRE(m);
  CHECK(m->username == "bob");
  CHECK(m->text == "hi from B");
  REQUIRE(e->wire.get() != nullptr);
  CHECK(e->wire->find("\"hi from B\"") != std::string::npos);
  CHECK(p.a.stats().messages_received == 1);
}

TEST_CASE("one group_send is one PUBLISH and one decoded event shared by local members") {
  test::redis_server redis;
  test::layer_pair p(redis);
  std::vector<std::shared_ptr<test::recording_channel>> on_a, on_b;
  for (int i = 0; i < 5; ++i) {
    on_a.push_back(std::make_shared<test::recording_channel>());
    p.a.group_add("room-1", p.a.add_channel(on_a.back()));
    on_b.push_back(std::make_shared<test::recording_channel>());
    p.b.group_add("room-1", p.b.add_channel(on_b.back()));
  }
  REQUIRE(test::eventually([&] { return redis.subscribers(group_channel("room-1")) == 2; }));
  redis.command({"CONFIG", "RESETSTAT"});

  auto sent = make_message_event(1, msg_type::message, "alice", "once");
  p.a.group_send("room-1", sent);
  for (auto& r : on_b) REQUIRE(r->wait_for(1));
  for (auto& r : on_a) REQUIRE(r->wait_for(1));
  REQUIRE(test::eventually([&] { return p.a.stats().messages_published == 1; }));
  CHECK(redis.publish_calls() == 1);
  // Local members got the sender's own event_ptr; remote members share one decoded copy.
  for (auto& r : on_a) CHECK(r->events().front().get() == sent.get());
  for (auto& r : on_b) CHECK(r->events().front().get() == on_b.front()->events().front().get());
  CHECK(on_b.front()->events().front().get() != sent.get());
  // The copy that comes back from Redis to A is not delivered a second time.
  std::this_thread::sleep_for(100ms);
  for (auto& r : on_a) CHECK(r->count() == 1);
  CHECK(p.a.stats().messages_received == 0);
}

TEST_CASE("events from one thread to one group arrive in order across processes") {
  test::redis_server redis;
  test::layer_pair p(redis);
  auto member = std::make_shared<test::recording_channel>();
  p.a.group_add("room-2", p.a.add_channel(member));
  REQUIRE(test::eventually([&] { return redis.subscribers(group_channel("room-2")) == 1; }));
  for (int i = 0; i < 300; ++i) {
    p.b.group_send("room-2", make_message_event(2, msg_type::message, "b", std::to_string(i)));
  }
  REQUIRE(member->wait_for(300));
  const auto events = member->events();
  for (int i = 0; i < 300; ++i)
    CHECK(events[static_cast<std::size_t>(i)]->as<chat_message>()->text == std::to_string(i));
}

TEST_CASE("send() reaches one channel on the other layer, and only that channel") {
  test::redis_server redis;
  test::layer_pair p(redis);
  auto target = std::make_shared<test::recording_channel>();
  auto bystander = std::make_shared<test::recording_channel>();
  const auto name = p.a.add_channel(target);
  p.a.add_channel(bystander);
  CHECK(name.rfind("t." + p.a.process_id() + "!", 0) == 0);
  REQUIRE(
      test::eventually([&] { return redis.subscribers("t:process:" + p.a.process_id()) == 1; }));

  p.b.send(name, make_user_disconnect_event(1008, "account disabled"));
  REQUIRE(target->wait_for(1));
  CHECK(target->events().front()->kind() == event_kind::user_disconnect);
  CHECK(bystander->count() == 0);

  // A channel of this very process is delivered directly.
  p.a.send(name, make_message_event(3, msg_type::alert, "staff", "local"));
  REQUIRE(target->wait_for(2));
}

TEST_CASE("a process unsubscribes from a group after its last local member leaves") {
  test::redis_server redis;
  test::layer_pair p(redis);
  auto one = std::make_shared<test::recording_channel>();
  auto two = std::make_shared<test::recording_channel>();
  const auto n1 = p.a.add_channel(one);
  const auto n2 = p.a.add_channel(two);
  p.a.group_add("room-4", n1);
  p.a.group_add("room-4", n2);
  p.a.group_add("room-4", n1);  // idempotent
  CHECK(p.a.group_size("room-4") == 2);
  REQUIRE(test::eventually([&] { return redis.subscribers(group_channel("room-4")) == 1; }));

  p.a.group_discard("room-4", n1);
  std::this_thread::sleep_for(100ms);
  CHECK(redis.subscribers(group_channel("room-4")) == 1);  // n2 is still there
  p.a.remove_channel(n2);                                  // leaves every group
  CHECK(p.a.group_size("room-4") == 0);
  REQUIRE(test::eventually([&] { return redis.subscribers(group_channel("room-4")) == 0; }));

  // Joining again quickly after leaving (UNSUBSCRIBE still in flight) ends subscribed.
  for (int i = 0; i < 20; ++i) {
    p.a.group_add("room-4", n1);
    p.a.group_discard("room-4", n1);
  }
  p.a.group_add("room-4", n1);
  REQUIRE(test::eventually([&] { return redis.subscribers(group_channel("room-4")) == 1; }));
  p.b.group_send("room-4", make_message_event(4, msg_type::message, "b", "still here"));
  REQUIRE(one->wait_for(1));
}

TEST_CASE("start() refuses an unreachable Redis with one clear sentence") {
  test::io_thread loop;
  redis_options o;
  const int port = test::free_loopback_port();
  o.url = "redis://127.0.0.1:" + std::to_string(port);
  o.connect_timeout = 500ms;
  redis_channel_layer layer(loop.io(), o);
  try {
    layer.start();
    FAIL("start() succeeded without Redis");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "cannot reach Redis at 127.0.0.1:" + std::to_string(port) +
                                       ": Connection refused \xe2\x80\x94 start redis-server or "
                                       "set redis_url");
  }
  o.url = "redis://127.0.0.1:notaport";
  redis_channel_layer bad_url(loop.io(), o);
  CHECK_THROWS_AS(bad_url.start(), std::invalid_argument);
}

TEST_CASE("with retry_on_start the layer starts without Redis and connects once it appears") {
  const int port = test::free_loopback_port();
  test::io_thread loop;
  redis_options o;
  o.url = "redis://127.0.0.1:" + std::to_string(port);
  o.connect_timeout = 300ms;
  o.reconnect_backoff_min = 20ms;
  o.reconnect_backoff_max = 100ms;
  o.retry_on_start = true;
  std::atomic<int> errors{0};
  o.log = [&](int level, std::string_view) {
    if (level >= redis_log_level::error) ++errors;
  };
  redis_channel_layer layer(loop.io(), o);
  layer.start();
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(layer.stats().connected);
  CHECK(errors.load() == 1);  // the outage is logged once, not per retry or per connection

  test::redis_server redis(port);
  REQUIRE(test::eventually([&] { return layer.stats().connected.load(); }));
  auto member = std::make_shared<test::recording_channel>();
  layer.group_add("room-9", layer.add_channel(member));
  REQUIRE(test::eventually([&] { return redis.subscribers("whisper:group:room-9") == 1; }));
  layer.stop();
}

TEST_CASE("a group_send made right after start(), before the connection is up, is not lost") {
  test::redis_server redis;
  test::io_thread loop_a, loop_b;
  redis_channel_layer a(loop_a.io(), test::fast_options(redis));
  a.start();
  auto member = std::make_shared<test::recording_channel>();
  a.group_add("room-8", a.add_channel(member));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-8") == 1; }));

  redis_channel_layer b(loop_b.io(), test::fast_options(redis));
  b.start();
  b.group_send("room-8", make_message_event(8, msg_type::message, "early", "bird"));
  REQUIRE(member->wait_for(1));
  CHECK(member->events().front()->as<chat_message>()->username == "early");
  CHECK(b.stats().publish_failures == 0);
  a.stop();
  b.stop();
}

TEST_CASE("malformed channel names and foreign payloads are ignored without harm") {
  test::redis_server redis;
  test::layer_pair p(redis);
  auto member = std::make_shared<test::recording_channel>();
  p.a.group_add("room-3", p.a.add_channel(member));
  REQUIRE(test::eventually([&] { return redis.subscribers("t:group:room-3") == 1; }));
  p.b.send("no-bang-or-dot", make_message_event(3, msg_type::message, "x", "y"));
  p.b.send("t.unknown-process!1", make_message_event(3, msg_type::message, "x", "y"));
  p.a.send("t." + p.a.process_id() + "!999", make_message_event(3, msg_type::message, "x", "y"));
  redis.command({"PUBLISH", "t:group:room-3", "not an envelope"});
  redis.command({"PUBLISH", "t:group:room-3", "someone\n\n{not json"});
  // The layer still works afterwards.
  p.b.group_send("room-3", make_message_event(3, msg_type::message, "b", "fine"));
  REQUIRE(member->wait_for(1));
  std::this_thread::sleep_for(50ms);
  CHECK(member->count() == 1);
  CHECK(member->events().front()->as<chat_message>()->text == "fine");
}
